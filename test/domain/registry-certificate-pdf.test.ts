/**
 * The vaccination certificate PDF (R-R6): it parses back with pdf-lib, carries the title, and its
 * content streams hold the name, vaccine names (W0422), dates, batches, the issue date and the
 * verification id, and nothing else about the person.
 */
import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import {
  buildCertificatePdf,
  CERTIFICATE_TITLE,
  dutchDate,
  type CertificateContent,
} from '../../src/registry/certificate-pdf.js';
import { newVerificationId } from '../../src/registry/citizen-requests.js';

/** The text drawn on the pages: pdf-lib writes standard-font text as hex strings `<…> Tj` in WinAnsi. */
async function pdfText(
  bytes: Uint8Array,
): Promise<{ pages: number; title: string | undefined; text: string }> {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    let decoded: Uint8Array;
    try {
      decoded = decodePDFRawStream(object).decode();
    } catch {
      continue;
    }
    const content = Buffer.from(decoded).toString('latin1');
    for (const m of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      parts.push(Buffer.from(m[1]!, 'hex').toString('latin1'));
    }
  }
  return { pages: doc.getPageCount(), title: doc.getTitle(), text: parts.join('\n') };
}

const CONTENT: CertificateContent = {
  verificationId: 'RVP-ABCD-EFGH-JKMN',
  issuedOn: '2025-11-20',
  person: { givenName: 'Noor', namePrefix: 'de', familyName: 'Vries-Öztürk', birthDate: '2015-03-02' },
  vaccinations: [
    { vaccineType: '11', date: '2015-05-04', batchNumber: 'AB123' },
    { vaccineType: '08', date: '2015-05-04', batchNumber: 'PN-77' },
    { vaccineType: '04', date: '2016-04-01', batchNumber: 'BMR9' },
  ],
};

describe('vaccination certificate PDF', () => {
  it('parses back with its title, one page, and the permitted content', async () => {
    const bytes = await buildCertificatePdf(CONTENT);
    expect(bytes.byteLength).toBeGreaterThan(2000);
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const { pages, title, text } = await pdfText(bytes);
    expect(pages).toBe(1);
    expect(title).toBe(CERTIFICATE_TITLE);
    for (const expected of [
      'Vaccinatiebewijs Rijksvaccinatieprogramma',
      'Noor de Vries-Öztürk',
      '2 maart 2015',
      'DKTP-Hib-HepB',
      'Pneumokokken',
      'BMR',
      '4 mei 2015',
      'AB123',
      'PN-77',
      '20 november 2025',
      'RVP-ABCD-EFGH-JKMN',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('continues on further pages, every page numbered', async () => {
    const many = Array.from({ length: 70 }, (_, i) => ({
      vaccineType: i % 2 ? '09' : '28',
      date: '2020-01-01',
      batchNumber: `B${i}`,
    }));
    const { pages, text } = await pdfText(await buildCertificatePdf({ ...CONTENT, vaccinations: many }));
    expect(pages).toBe(3);
    expect(text).toContain('Pagina 3 van 3');
    expect(text).toContain('B69');
    expect(text).toContain('MenACWY');
  });

  it('says so when nothing is registered, and survives names outside WinAnsi', async () => {
    const { text } = await pdfText(
      await buildCertificatePdf({
        ...CONTENT,
        person: { ...CONTENT.person, givenName: 'Şebnem', namePrefix: null, familyName: 'Yılmaz' },
        vaccinations: [],
      }),
    );
    expect(text).toContain('Er zijn geen vaccinaties geregistreerd.');
    expect(text).toContain('Sebnem Y?lmaz');
  });

  it('formats Dutch dates and verification ids', () => {
    expect(dutchDate('2024-02-29')).toBe('29 februari 2024');
    const ids = new Set(Array.from({ length: 200 }, newVerificationId));
    expect(ids.size).toBe(200);
    for (const id of ids)
      expect(id).toMatch(/^RVP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });
});
