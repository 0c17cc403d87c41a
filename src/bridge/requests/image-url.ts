import type { ImagePart } from '../ir';

/** `data:<media type>[;param]*;base64,<data>`; other data URLs stay URLs. */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;

export function parseBase64DataUrl(
  url: string,
): { mediaType: string; data: string } | undefined {
  const match = BASE64_DATA_URL.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1], data: match[2] };
}

export function base64DataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** An OpenAI image URL (`https:` or `data:`) as an image part. */
export function imagePartFromUrl(url: string, detail?: string): ImagePart {
  const inline = parseBase64DataUrl(url);
  const part: ImagePart = inline
    ? { type: 'image', source: 'base64', ...inline }
    : { type: 'image', source: 'url', url };
  if (detail !== undefined) part.detail = detail;
  return part;
}

/** The URL an OpenAI API takes for an image part (base64 as a data URL). */
export function imagePartUrl(part: ImagePart): string {
  return part.source === 'base64'
    ? base64DataUrl(part.mediaType, part.data)
    : part.url;
}
