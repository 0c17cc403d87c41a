/** A TOML basic string: `"`, `\` and every control character escaped. */
export function tomlString(value: string): string {
  const escaped = value.replace(/["\\\p{Cc}]/gu, (c) => {
    switch (c) {
      case '"':
        return '\\"';
      case '\\':
        return '\\\\';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `"${escaped}"`;
}
