import { describe, expect, it } from 'vitest';
import { inlineSvg } from './inline-svg.ts';

describe('inlineSvg', () => {
  it('prefixes every id and every reference to it', () => {
    const svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath><linearGradient id="gradient_0"/></defs>' +
      '<g clip-path="url(#clip1)"><path fill="url(#gradient_0)"/><use href="#clip1"/><use xlink:href="#clip1"/></g></svg>';
    expect(inlineSvg(svg, 'equity')).toBe(
      '<svg><defs><clipPath id="equity-clip1"><rect/></clipPath><linearGradient id="equity-gradient_0"/></defs>' +
        '<g clip-path="url(#equity-clip1)"><path fill="url(#equity-gradient_0)"/><use href="#equity-clip1"/><use xlink:href="#equity-clip1"/></g></svg>',
    );
  });

  it('leaves references to ids it does not define, and an SVG without ids, alone', () => {
    expect(inlineSvg('<svg><g id="a"/><use href="#b"/></svg>', 'x')).toBe('<svg><g id="x-a"/><use href="#b"/></svg>');
    const plain = '<svg class="marks"><path d="M0,0h1"/></svg>';
    expect(inlineSvg(plain, 'x')).toBe(plain);
  });
});
