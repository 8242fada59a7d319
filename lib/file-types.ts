// What an uploaded file really is, judged by its first bytes, and a file name safe to show and to send back.
export type DocumentMime = 'application/pdf' | 'image/jpeg' | 'image/png';

const SIGNATURES: { mime: DocumentMime; bytes: number[] }[] = [
  { mime: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mime: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

const EXTENSIONS: Record<DocumentMime, string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
};

/** The document type the content starts with, whatever the name or the browser claims; null for anything else. */
export function sniffDocumentType(bytes: Uint8Array): DocumentMime | null {
  for (const { mime, bytes: signature } of SIGNATURES) {
    if (bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)) return mime;
  }
  return null;
}

/** The extension of a name as people use it ("scan.PDF" → "pdf"); dots inside words are not extensions. */
function extensionOf(name: string): string | null {
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(name.trim());
  return match ? match[1].toLowerCase() : null;
}

/** False when the name claims another type than the content has (a PNG named ".pdf"); a name without an extension claims nothing. */
export function nameMatchesType(name: string, mime: DocumentMime): boolean {
  const extension = extensionOf(name);
  return extension === null || EXTENSIONS[mime].includes(extension);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"*:<>?|]/g;
const MAX_NAME = 120;

/** The last part of whatever path the browser sent, without control or direction-override characters, with the extension of its true type. */
export function safeFileName(raw: string, mime: DocumentMime): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base.replace(UNSAFE, '').replace(/\s+/g, ' ').replace(/^[\s.]+/, '').trim();
  // A PNG saved as "scan.jpg" is a PNG: its name says so from now on.
  if (!nameMatchesType(name, mime)) name = name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  if (extensionOf(name) === null) name = name ? `${name}.${EXTENSIONS[mime][0]}` : `document.${EXTENSIONS[mime][0]}`;
  if (name.length > MAX_NAME) {
    const extension = `.${extensionOf(name)}`;
    name = name.slice(0, MAX_NAME - extension.length).trim() + extension;
  }
  return name;
}
