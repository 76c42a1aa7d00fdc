import { describe, expect, test } from 'vitest'
import {
  ALLOW_PLACEHOLDER,
  findPythonStubs,
  isPendingMessage,
} from '../../../../src/domain/gates/placeholders/python-stubs.ts'

// Assembled so this spec does not itself count as holding placeholders.
const NIE = ['NotImplemented', 'Error'].join('')
const todo = ['TO', 'DO'].join('')

/** `line kind` for each stub found in the snippet. */
function stubs(lines: string[], stubFile = false): string[] {
  return findPythonStubs(lines.join('\n'), { stubFile }).map((s) => `${s.line} ${s.kind}`)
}

describe('findPythonStubs() — by design, not stubs', () => {
  test('abstract methods (bare and abc.), abstract properties and overloads', () => {
    expect(
      stubs([
        'from abc import ABC, abstractmethod',
        'class Sampler:',
        '    @abstractmethod',
        '    def __call__(self, logits):',
        `        raise ${NIE}`,
        '    @abc.abstractmethod',
        '    def reset(self) -> None:',
        '        ...',
        '    @property',
        '    @abstractmethod',
        '    def size(self) -> int:',
        '        pass',
        '@overload',
        'def cast(x: int) -> int: ...',
        '@typing.overload',
        'def cast(x: str) -> str:',
        '    ...',
      ]),
    ).toEqual([])
  })

  test('members of Protocol, ABC and metaclass=ABCMeta classes, and same-file overrides of them', () => {
    expect(
      stubs([
        'class Tracker(Protocol):',
        '    def log(self, metrics: dict) -> None: ...',
        '    def finish(self) -> None:',
        '        ...',
        'class BaseOptimizer(ABC):',
        '    def inherit_from(self, cls) -> bool:',
        '        ...',
        'class NanotronModel(nn.Module, LoggingCollectorMixin, metaclass=ABCMeta):',
        '    def before_tbi_sanity_checks(self) -> None:',
        '        pass',
        'class PipelineBatchState(ABC):',
        '    @abstractmethod',
        '    def new_micro_batch_forward(self):',
        '        ...',
        '@dataclasses.dataclass',
        'class PipelineEvalBatchState(PipelineBatchState):',
        '    def new_micro_batch_forward(self):',
        '        pass',
      ]),
    ).toEqual([])
  })

  test('a .pyi stub file is all declarations', () => {
    expect(stubs(['def f(x: int) -> int:', '    ...', 'class C:', '    def g(self): ...'], true)).toEqual([])
  })

  test('`...` and raises inside docstrings and strings are text', () => {
    expect(
      stubs([
        'def rerun_if_address_is_in_use():',
        '    """Usage::',
        '',
        '        @rerun_if_address_is_in_use()',
        '        def test_something():',
        '            ...',
        '',
        `    Raises ${NIE} when the port is taken; see raise ${NIE}("x").`,
        '    """',
        '    return wrapper',
        `MSG = '''def stub():`,
        `    raise ${NIE}`,
        `'''`,
      ]),
    ).toEqual([])
  })

  test('guards: a raise with a message on a branch, or after real work, is a refusal, not a stub', () => {
    expect(
      stubs([
        'def load(param, version):',
        '    if not isinstance(param, NanotronParameter):',
        `        raise ${NIE}("Parameters are required to be NanotronParameter")`,
        '    try:',
        '        return read(param)',
        '    except KeyError:',
        `        raise ${NIE}(`,
        '            "Checkpointing of functions with *args or **kwargs is not supported."',
        '        )',
        'def __getitem__(self, item):',
        '    if isinstance(item, int):',
        '        return {}',
        `    raise ${NIE}(f"{item} of type {type(item)} is not supported")`,
        'def check(backend):',
        `    if backend not in BACKENDS: raise ${NIE}(f"unsupported backend {backend}")`,
      ]),
    ).toEqual([])
  })

  test('a bare raise as the default of an if/elif dispatch or `case _` rejects unknown values', () => {
    expect(
      stubs([
        'def init(module, dt_init):',
        '    if dt_init == "constant":',
        '        nn.init.constant_(module.weight, 1.0)',
        '    elif dt_init == "random":',
        '        nn.init.uniform_(module.weight, -1.0, 1.0)',
        '    else:',
        `        raise ${NIE}`,
        'def pick(kind):',
        '    match kind:',
        '        case "top_k":',
        '            return TopK()',
        '        case _:',
        `            raise ${NIE}`,
      ]),
    ).toEqual([])
  })

  test('a base method raising in a class that the file derives from (the pre-abc idiom)', () => {
    expect(
      stubs([
        'class Sampler:',
        '    def __call__(self, sharded_logits):',
        `        raise ${NIE}`,
        'class TopPSampler(Sampler):',
        '    def __call__(self, sharded_logits):',
        '        return top_p(sharded_logits)',
      ]),
    ).toEqual([])
  })

  test('explained refusals: a whole-body raise with a message that is not about pending work', () => {
    expect(
      stubs([
        'class PipelineEvalBatchState(PipelineBatchState):',
        '    def register_send_grad(self, grad, to_rank, p2p):',
        `        raise ${NIE}("You can't register a send grad in pipeline eval mode")`,
        '    @selected.setter',
        '    def selected(self, value):',
        `        raise ${NIE}(`,
        `            "'enabled' can only be set through calling 'enable_deepspeed_plugin(key)'."`,
        '        )',
      ]),
    ).toEqual([])
  })

  test('no-ops named as such, documented by a comment or a docstring, or allowed by the marker', () => {
    expect(
      stubs([
        'class DummyPopen:',
        '    def __init__(self, *args, **kwargs):',
        '        pass',
        'def noop(*args, **kwargs):',
        '    pass',
        'def mock_training_loop_function(batch_size):',
        '    pass',
        'class DeepSpeedSchedulerWrapper(AcceleratedScheduler):',
        '    def step(self):',
        '        pass  # `accelerator.backward(loss)` is doing that automatically',
        '    def adjust_state_dict_for_prefetch(self):',
        '        # Each process has its own sharded loader: nothing to adjust.',
        '        pass',
        'def on_train_begin(self):',
        '    """Subclasses may hook in here."""',
        '    pass',
        `def on_epoch_end(self):  # ${ALLOW_PLACEHOLDER}`,
        '    pass',
        'def register(self):',
        `    raise ${NIE}  # ${ALLOW_PLACEHOLDER}`,
      ]),
    ).toEqual([])
  })
})

describe('findPythonStubs() — stubs that must still be found', () => {
  test('bare pass/... bodies, one-line too, and a marker comment explains nothing', () => {
    expect(
      stubs([
        'def train(model, loader):',
        '    pass',
        '',
        'class Trainer:',
        '    def evaluate(self):',
        '        ...',
        '    def save(self, path): pass',
        '    def load(self, path):',
        `        pass  # ${todo}`,
      ]),
    ).toEqual(['1 stub body', '5 stub body', '7 stub body', '8 stub body'])
  })

  test('whole-body raises that are bare or say the work is pending', () => {
    expect(
      stubs([
        'def pack_sequences(examples, tokenizer):',
        '    """Packs examples into one sequence."""',
        '    # This function would concatenate multiple examples',
        `    raise ${NIE}("Sequence packing for SFT is not yet implemented")`,
        'class SlicedFlatTensor(torch.Tensor):',
        '    def _del_grad(self):',
        `        raise ${NIE}`,
        'def export_onnx(model):',
        `    raise ${NIE}()`,
      ]),
    ).toEqual(['4 not implemented', '7 not implemented', '9 not implemented'])
  })

  test('guards whose message says pending (yet, for now, currently, only "not implemented")', () => {
    expect(
      stubs([
        'def generate(config, returns_logits=False):',
        '    if returns_logits:',
        `        raise ${NIE}("return_logits is not implemented yet")`,
        '    if config.use_cache:',
        `        raise ${NIE}("Use-cache is not supported for now")`,
        '    if config.reduce_scatter:',
        `        raise ${NIE}("Not implemented")`,
        '        assert hasattr(accumulator, "param_name_to_offsets")',
        '    elif config.scaling == LAYER_INDEX:',
        `        raise ${NIE}("Layer position scaling not yet implemented")`,
        '    if config.pp > 1:',
        `        raise ${NIE}("Pipeline parallelism is currently not supported in Accelerate.")`,
        '    if cp > 1:',
        `        raise ${NIE}`,
        `    raise ${NIE}(f"{config} is not supported yet")`,
      ]),
    ).toEqual([
      '3 not implemented',
      '5 not implemented',
      '7 not implemented',
      '10 not implemented',
      '12 not implemented',
      '14 not implemented',
      '15 not implemented',
    ])
  })

  test('a pending message is a stub even as a dispatch default; module-level raises count too', () => {
    expect(
      stubs([
        'def schedule(kind):',
        '    if kind == "cosine":',
        '        return cosine',
        '    elif kind == "linear":',
        '        return linear',
        '    else:',
        `        raise ${NIE}(f"{kind} schedule: ${todo}")`,
        'if sys.platform == "win32":',
        `    raise ${NIE}`,
      ]),
    ).toEqual(['7 not implemented', '9 not implemented'])
  })

  test('decorators other than abstract/overload do not excuse a stub; nested functions are not methods', () => {
    expect(
      stubs([
        'class Config(ABC):',
        '    def build(self):',
        '        def inner():',
        '            pass',
        '        return inner',
        '@property',
        'def size(self):',
        '    ...',
        '@torch.no_grad()',
        'def evaluate(model):',
        '    pass',
      ]),
    ).toEqual(['3 stub body', '7 stub body', '10 stub body'])
  })

  test('continuation lines, triple-quoted strings and backslashes do not confuse line numbers', () => {
    expect(
      stubs([
        'x = f(1,',
        '      2)',
        's = """a',
        'b"""',
        'y = 1 + \\',
        '    2',
        'def late(',
        '    a,',
        '    b,',
        ') -> None:',
        '    pass',
      ]),
    ).toEqual(['7 stub body'])
  })
})

describe('isPendingMessage()', () => {
  test.each([
    ['', true],
    ['Not implemented', true],
    ['not yet implemented.', true],
    ['Sequence packing is not supported yet', true],
    ['Use-cache is not supported for now', true],
    ['currently not supported on TPU', true],
    ['Sampler type top_k is not implemented', false],
    ['Parameters are required to be NanotronParameter', false],
    ['Subclasses must implement this method', false],
  ])('%j → %s', (message, pending) => {
    expect(isPendingMessage(message)).toBe(pending)
  })
})
