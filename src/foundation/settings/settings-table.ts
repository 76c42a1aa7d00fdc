import { SETTINGS, type SettingDef } from './settings.ts'

/** The README's table of environment variables, generated from SETTINGS (user-facing ones). */
export function settingsTable(): string {
  const rows = Object.entries(SETTINGS as Record<string, SettingDef>)
    .filter(([, d]) => !d.internal && !d.system)
    .map(([name, d]) => `| \`${name}\` | ${typeText(d)} | ${d.default ?? 'unset'} | ${d.description} |`)
  return ['| variable | value | default | what it changes |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

function typeText(d: SettingDef): string {
  if (d.type === 'choice') return (d.choices ?? []).map((c) => `\`${c}\``).join(' \\| ')
  if (d.type === 'flag') return '`1` \\| `0`'
  return d.type
}
