import { nameMatchesType, safeFileName, sniffDocumentType } from '../../lib/file-types';

describe('file types by content', () => {
  test('PDF, JPEG and PNG are known by their first bytes, whatever else the file is called', () => {
    expect(sniffDocumentType(Buffer.from('%PDF-1.7\n...'))).toBe('application/pdf');
    expect(sniffDocumentType(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00]))).toBe('image/jpeg');
    expect(sniffDocumentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]))).toBe('image/png');
    expect(sniffDocumentType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffDocumentType(Buffer.from('%PD'))).toBeNull();
    expect(sniffDocumentType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });

  test('a name that claims another type is a mislabelled file; a name without an extension claims nothing', () => {
    expect(nameMatchesType('scan.PDF', 'application/pdf')).toBe(true);
    expect(nameMatchesType('photo.jpeg', 'image/jpeg')).toBe(true);
    expect(nameMatchesType('photo.jpg', 'image/jpeg')).toBe(true);
    expect(nameMatchesType('scan.pdf', 'image/png')).toBe(false);
    expect(nameMatchesType('page.html', 'application/pdf')).toBe(false);
    expect(nameMatchesType('scan', 'application/pdf')).toBe(true);
  });

  test('a shown file name keeps only its last part, loses control and direction characters, and carries the extension of its true type', () => {
    expect(safeFileName('../../etc/passwd.pdf', 'application/pdf')).toBe('passwd.pdf');
    expect(safeFileName('C:\\Users\\me\\scan.png', 'image/png')).toBe('scan.png');
    expect(safeFileName('invoice\u202Efdp.exe.pdf', 'application/pdf')).toBe('invoicefdp.exe.pdf');
    expect(safeFileName('...', 'image/jpeg')).toBe('document.jpg');
    expect(safeFileName('photo.jpg', 'image/png')).toBe('photo.png');
    expect(safeFileName('scan.pdf', 'image/png')).toBe('scan.png');
    expect(safeFileName('نامه\u200cها', 'application/pdf')).toBe('نامه\u200cها.pdf');
    const long = safeFileName(`${'ا'.repeat(300)}.pdf`, 'application/pdf');
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
