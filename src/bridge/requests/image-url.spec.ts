import {
  base64DataUrl,
  imagePartFromUrl,
  imagePartUrl,
  parseBase64DataUrl,
} from './image-url';

describe('image-url', () => {
  it('splits a base64 data URL into media type and data', () => {
    expect(parseBase64DataUrl('data:image/png;base64,iVBORw0KGgo=')).toEqual({
      mediaType: 'image/png',
      data: 'iVBORw0KGgo=',
    });
  });

  it('skips parameters before ;base64', () => {
    expect(
      parseBase64DataUrl('data:image/jpeg;name=a.jpg;base64,/9j/4AAQ'),
    ).toEqual({ mediaType: 'image/jpeg', data: '/9j/4AAQ' });
  });

  it.each([
    'https://example.com/cat.png',
    'data:image/svg+xml;utf8,<svg/>',
    'data:;base64,AAAA',
  ])('keeps %s a URL', (url) => {
    expect(parseBase64DataUrl(url)).toBeUndefined();
    expect(imagePartFromUrl(url)).toEqual({
      type: 'image',
      source: 'url',
      url,
    });
  });

  it('reads a data URL as a base64 part, with its detail', () => {
    expect(imagePartFromUrl('data:image/gif;base64,R0lG', 'low')).toEqual({
      type: 'image',
      source: 'base64',
      mediaType: 'image/gif',
      data: 'R0lG',
      detail: 'low',
    });
  });

  it('writes base64 parts as data URLs and URL parts as they are', () => {
    expect(base64DataUrl('image/png', 'AAA')).toBe('data:image/png;base64,AAA');
    expect(
      imagePartUrl({
        type: 'image',
        source: 'base64',
        mediaType: 'image/webp',
        data: 'UklG',
      }),
    ).toBe('data:image/webp;base64,UklG');
    expect(
      imagePartUrl({ type: 'image', source: 'url', url: 'https://x/y.png' }),
    ).toBe('https://x/y.png');
  });
});
