/** How to ask one tool for its version, and how to install it. */
export interface ToolRecipe {
  /** Commands tried in order; the first that runs and prints a version wins. */
  commands: string[][]
  /** Where the version is in the output (stdout, then stderr): the first capture group, else the match. */
  versionPattern: RegExp
  /** What to do when it is missing. */
  install: string
}

/** A version number anywhere in the output: `v20.19.0`, `Python 3.11.7`, `cmake version 3.25.1`. */
export const DEFAULT_VERSION_PATTERN = /(\d+\.\d+(?:\.\d+)?)/

/**
 * The tools an ML repository commonly needs, with the command that prints their version. A tool
 * not listed here is probed with `<name> --version` and the default pattern.
 */
export const KNOWN_TOOLS: Record<string, ToolRecipe> = {
  node: {
    commands: [['node', '--version']],
    versionPattern: DEFAULT_VERSION_PATTERN,
    install: 'install Node.js (`nvm install 20`, or https://nodejs.org)',
  },
  npm: {
    commands: [['npm', '--version']],
    versionPattern: DEFAULT_VERSION_PATTERN,
    install: 'npm ships with Node.js: reinstall Node.js (`nvm install 20`)',
  },
  git: {
    commands: [['git', '--version']],
    versionPattern: DEFAULT_VERSION_PATTERN,
    install: 'install git (`apt-get install git`, `brew install git`)',
  },
  // `python` means a Python 3 interpreter: Debian and macOS ship `python3` only.
  python: {
    commands: [
      ['python3', '--version'],
      ['python', '--version'],
    ],
    versionPattern: /Python (\d+\.\d+\.\d+\S*)/,
    install: 'install Python 3 (`apt-get install python3`, `brew install python`, `uv python install`, or pyenv)',
  },
  python3: {
    commands: [['python3', '--version']],
    versionPattern: /Python (\d+\.\d+\.\d+\S*)/,
    install: 'install Python 3 (`apt-get install python3`, `brew install python`, `uv python install`, or pyenv)',
  },
  pip: {
    commands: [
      ['pip', '--version'],
      ['pip3', '--version'],
    ],
    versionPattern: /pip (\d+\.\d+(?:\.\d+)?)/,
    install: 'python3 -m ensurepip --upgrade, or `apt-get install python3-pip`',
  },
  uv: {
    commands: [['uv', '--version']],
    versionPattern: /uv (\d+\.\d+\.\d+)/,
    install: 'install uv (`curl -LsSf https://astral.sh/uv/install.sh | sh`, `pipx install uv` or `brew install uv`)',
  },
  conda: {
    commands: [['conda', '--version']],
    versionPattern: /conda (\d+\.\d+\.\d+)/,
    install: 'install Miniforge (https://github.com/conda-forge/miniforge) and `conda init`',
  },
  // `release 12.4, V12.4.131`: the full V number, so a range can name the update.
  nvcc: {
    commands: [['nvcc', '--version']],
    versionPattern: /release \d+\.\d+, V(\d+\.\d+\.\d+)/,
    install:
      'install the CUDA toolkit (https://developer.nvidia.com/cuda-downloads) and put its bin/ (e.g. /usr/local/cuda/bin) on PATH',
  },
  // The driver version of the first GPU; it fails (exit 9) where no driver is loaded.
  'nvidia-smi': {
    commands: [['nvidia-smi', '--query-gpu=driver_version', '--format=csv,noheader']],
    versionPattern: /^\s*(\d+\.\d+(?:\.\d+)?)/m,
    install:
      'install the NVIDIA driver (it ships nvidia-smi); on machines without an NVIDIA GPU declare the probe with "required": false',
  },
  cmake: {
    commands: [['cmake', '--version']],
    versionPattern: /cmake version (\d+\.\d+\.\d+)/,
    install: 'install CMake (`apt-get install cmake`, `brew install cmake` or `pip install cmake`)',
  },
  gcc: {
    commands: [['gcc', '--version']],
    versionPattern: /(?:\) |version )(\d+\.\d+\.\d+)/, // `gcc (Debian 12.2.0-14) 12.2.0`; macOS: `Apple clang version 15.0.0`
    install: 'install a C compiler (`apt-get install build-essential`, `xcode-select --install` on macOS)',
  },
}
