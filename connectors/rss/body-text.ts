import iconv from 'iconv-lite';

// Bytes to text by the declared encoding: the HTTP charset wins, then a byte-order mark,
// then the XML prolog's encoding, then UTF-8. iconv-lite decodes the legacy encodings
// (ISO-8859-x, windows-125x, Shift_JIS, GB18030, KOI8, …); Node's own TextDecoder treats
// windows-1252 as Latin-1 and loses €, curly quotes and dashes.
// A feed labelled (or defaulting to) UTF-8 whose bytes are not UTF-8 is read as windows-1252,
// the usual truth of such feeds, rather than with replacement characters.

export function declaredCharset(body: Buffer, contentType?: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  const prolog = body.subarray(0, 200).toString('latin1');
  const fromProlog = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(prolog)?.[1];
  return (fromProlog ?? 'utf-8').toLowerCase();
}

export function decodeBody(body: Buffer, contentType?: string | null): { text: string; charset: string } {
  let declared = declaredCharset(body, contentType);
  // A UTF-16 prolog that was readable as single bytes is a wrong label (WHATWG: treat as UTF-8).
  const bom = body[0] === 0xff || body[0] === 0xfe;
  if (/^utf-?16/.test(declared) && !bom && !/charset/i.test(contentType ?? '')) declared = 'utf-8';
  // ISO-8859-1 labels mean windows-1252 on the web (WHATWG): publishers mislabel it constantly.
  const charset = /^(iso-?8859-1|latin-?1|us-ascii|ascii)$/.test(declared) ? 'windows-1252' : declared;
  if (charset === 'utf-8' || charset === 'utf8' || !iconv.encodingExists(charset)) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), charset: 'utf-8' };
    } catch {
      // Not UTF-8 whatever the label says: the usual truth is a legacy single-byte feed.
      return { text: iconv.decode(body, 'windows-1252'), charset: 'windows-1252' };
    }
  }
  return { text: iconv.decode(body, charset), charset };
}
