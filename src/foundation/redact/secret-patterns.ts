/**
 * Token shapes that are secrets wherever they appear. Shared by the redactor (ledger, logs,
 * reports) and the secrets gate, so both agree on what a secret looks like. Each pattern is
 * global and matches the secret itself (no surrounding context).
 */
export interface SecretPattern {
  id: string
  description: string
  /** Cheap lowercase substring that must occur in a line before the regex runs. */
  keyword: string
  /**
   * Sharper lowercase substrings, one of which every match contains; the secrets gate's
   * prefilter uses them instead of `keyword` when given. Default: `[keyword]`.
   */
  keywords?: readonly string[]
  pattern: RegExp
  /**
   * For masking a token cut short (Vitest shortens long strings in assertion messages): the
   * token's fixed start, as regex source. The start followed by 8 or more `body` characters is
   * masked wherever it appears, cut or whole (src/foundation/redact/truncated-tokens.ts). Absent
   * for shapes found by their context (a name, a URL, a PEM header).
   */
  prefix?: string
  /** Regex character class of the token after `prefix`; default `[A-Za-z0-9]`. */
  body?: string
  /**
   * For a shape found by its context whose value can be cut short: the value as it appears cut
   * (8 or more of its characters, then the cut mark `…`), with the same context.
   */
  cut?: RegExp
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    keyword: 'a',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    prefix: '(?:AKIA|ASIA|ABIA|ACCA)',
    body: '[A-Z2-7]',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
  },
  {
    // The secret half of an AWS key pair has no prefix of its own: it is found by its name.
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    keyword: 'aws',
    keywords: ['secret'],
    pattern: /\baws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    id: 'github-token',
    description: 'GitHub token (classic, OAuth, user-to-server, app, refresh)',
    keyword: 'gh',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    prefix: 'gh[pousr]_',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g,
  },
  {
    id: 'github-fine-grained',
    description: 'GitHub fine-grained token',
    keyword: 'github_pat_',
    prefix: 'github_pat_',
    body: '[A-Za-z0-9_]',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{82}\b/g,
  },
  {
    id: 'gitlab-token',
    description: 'GitLab token',
    keyword: 'glpat-',
    pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g,
    prefix: 'glpat-',
    body: '[A-Za-z0-9_-]',
  },
  {
    id: 'slack-token',
    description: 'Slack token',
    keyword: 'xox',
    pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    prefix: 'xox[abposr]-',
    body: '[A-Za-z0-9-]',
  },
  {
    id: 'slack-app-token',
    description: 'Slack app-level token',
    keyword: 'xapp-',
    prefix: 'xapp-',
    body: '[A-Za-z0-9-]',
    pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}/g,
  },
  {
    id: 'slack-webhook',
    description: 'Slack webhook URL',
    keyword: 'hooks.slack.com',
    prefix: 'https://hooks\\.slack\\.com/services/',
    body: '[A-Za-z0-9_/]',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]{20,}/g,
  },
  {
    id: 'stripe-key',
    description: 'Stripe key',
    keyword: '_live_',
    pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}\b/g,
    prefix: '[rs]k_live_',
  },
  {
    id: 'google-api-key',
    description: 'Google API key',
    keyword: 'aiza',
    prefix: 'AIza',
    body: '[0-9A-Za-z_-]',
    pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
  },
  {
    id: 'npm-token',
    description: 'npm token',
    keyword: 'npm_',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/g,
    prefix: 'npm_',
  },
  {
    id: 'sendgrid-key',
    description: 'SendGrid key',
    keyword: 'sg.',
    prefix: 'SG\\.',
    body: '[A-Za-z0-9_.-]',
    pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'twilio-key',
    description: 'Twilio API key',
    keyword: 'sk',
    pattern: /\bSK[0-9a-fA-F]{32}\b/g,
    prefix: 'SK',
    body: '[0-9a-fA-F]',
  },
  {
    id: 'anthropic-key',
    description: 'Anthropic API key',
    keyword: 'sk-ant-',
    prefix: 'sk-ant-',
    body: '[A-Za-z0-9_-]',
    pattern: /\bsk-ant-[A-Za-z0-9_-]{32,}/g,
  },
  {
    id: 'openai-key',
    description: 'OpenAI API key',
    keyword: 'sk-',
    prefix: 'sk-(?:proj-|svcacct-|admin-)?',
    body: '[A-Za-z0-9_-]',
    pattern:
      /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}\b|\bsk-proj-[A-Za-z0-9_-]{40,}/g,
  },
  // --- ML platforms. Shapes and keyword windows from public rule sets: gitleaks
  // (cmd/generate/config/rules/{huggingface,groq,cohere}.go), betterleaks (replicate.go),
  // trufflehog (pkg/detectors/{togetherai,mistral,weightsandbiases/v1,v2}), Kaggle's CLI docs
  // (kaggle.json `{"username", "key"}`, KGAT_ tokens), neptune-client (an API token is base64 JSON
  // whose first member is "api_address"). Keyword windows are trufflehog's PrefixRegex: the
  // keyword at most 40 characters before the value, on the same line.
  {
    id: 'huggingface-token',
    description: 'Hugging Face access token',
    keyword: 'hf_',
    pattern: /\bhf_[A-Za-z]{34}\b/g,
    prefix: 'hf_',
    body: '[A-Za-z]',
  },
  {
    id: 'huggingface-org-token',
    description: 'Hugging Face organization API token',
    keyword: 'api_org_',
    pattern: /\bapi_org_[A-Za-z]{34}\b/g,
    prefix: 'api_org_',
    body: '[A-Za-z]',
  },
  {
    id: 'replicate-token',
    description: 'Replicate API token',
    keyword: 'r8_',
    pattern: /\br8_[A-Za-z0-9]{37}\b/g,
    prefix: 'r8_',
  },
  { id: 'groq-key', description: 'Groq API key', keyword: 'gsk_', pattern: /\bgsk_[A-Za-z0-9]{48}\b/g, prefix: 'gsk_' },
  {
    id: 'together-key',
    description: 'Together AI API key',
    keyword: 'tgp_v1_',
    pattern: /\btgp_v1_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    prefix: 'tgp_v1_',
    body: '[A-Za-z0-9_-]',
  },
  {
    id: 'wandb-key',
    description: 'Weights & Biases API key (v1 format)',
    keyword: 'wandb_v1_',
    pattern: /\bwandb_v1_[A-Za-z0-9]{27}_[A-Za-z0-9]{49}\b/g,
    prefix: 'wandb_v1_',
    body: '[A-Za-z0-9_]',
  },
  {
    // The classic W&B key is 40 hex characters, like a git commit: only next to a wandb keyword.
    id: 'wandb-api-key',
    description: 'Weights & Biases API key',
    keyword: 'wandb',
    pattern: /wandb[^\n]{0,40}?\b([0-9a-f]{40})\b/gi,
  },
  {
    id: 'kaggle-token',
    description: 'Kaggle API token',
    keyword: 'kgat_',
    pattern: /\bKGAT_[0-9a-f]{32}\b/g,
    prefix: 'KGAT_',
    body: '[0-9a-f]',
  },
  {
    // kaggle.json (`{"username":"...","key":"<32 hex>"}`, either order) and KAGGLE_KEY assignments.
    id: 'kaggle-key',
    description: 'Kaggle API key',
    keyword: 'key',
    keywords: ['kaggle_key', '"username"'],
    pattern:
      /(?<=\bkaggle_key["']?\s*[:=]\s*["']?)[0-9a-f]{32}\b|(?<="username"\s*:\s*"[^"\n]{0,64}"\s*,\s*"key"\s*:\s*")[0-9a-f]{32}(?=")|(?<="key"\s*:\s*")[0-9a-f]{32}(?="\s*,\s*"username")/gi,
    cut: /(?<=\bkaggle_key["']?\s*[:=]\s*["']?|"username"\s*:\s*"[^"\n]{0,64}"\s*,\s*"key"\s*:\s*")[0-9a-f]{8,31}(?=\u2026)/gi,
  },
  {
    id: 'cohere-key',
    description: 'Cohere API key',
    keyword: 'co',
    keywords: ['cohere', 'co_api_key'],
    pattern: /(?:cohere|\bco_api_key)[^\n]{0,40}?\b([A-Za-z0-9]{40})\b/gi,
  },
  {
    id: 'mistral-key',
    description: 'Mistral AI API key',
    keyword: 'mistral',
    pattern: /mistral[^\n]{0,40}?\b([A-Za-z0-9]{32})\b/gi,
  },
  {
    id: 'comet-key',
    description: 'Comet API key',
    keyword: 'comet',
    pattern: /comet[^\n]{0,40}?\b([A-Za-z0-9]{25})\b/gi,
  },
  {
    id: 'neptune-token',
    description: 'Neptune API token',
    keyword: 'eyjhcglfywrkcmvzcyi6',
    pattern: /\beyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/]{40,}={0,2}/g,
    prefix: 'eyJhcGlfYWRkcmVzcyI6',
    body: '[A-Za-z0-9+/=]',
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    keyword: 'eyj',
    prefix: 'eyJ',
    body: '[A-Za-z0-9_.-]',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  },
  {
    id: 'private-key',
    description: 'PEM private key block',
    keyword: 'private key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
  },
  {
    id: 'url-credentials',
    description: 'credentials in a URL',
    keyword: '://',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]{3,})@/gi,
  },
]
