/**
 * The vaccination certificate (R-R6) as a PDF (pdf-lib), with the verification id as a Code 128 barcode
 * (bwip-js). The input type is the whole of what the certificate may show: name, birth date, the
 * registered vaccinations (vaccine, date, batch), the date of issue and the verification id. No BSN,
 * address, custodian, organisation, performer or consent data can reach the document.
 */
import bwipjs from 'bwip-js';
import { formatPersonName } from '../domain/names.js';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { VACCINE_TYPES } from '../domain/messages/index.js';

export const CERTIFICATE_TITLE = 'Vaccinatiebewijs Rijksvaccinatieprogramma';

export interface CertificateContent {
  verificationId: string;
  /** YYYY-MM-DD. */
  issuedOn: string;
  person: { givenName: string; namePrefix: string | null; familyName: string; birthDate: string };
  vaccinations: { vaccineType: string; date: string; batchNumber: string }[];
}

const MONTHS = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
];

/** "2025-01-15" → "15 januari 2025". */
export function dutchDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1] ?? ''} ${year}`;
}

const VACCINE_NAMES = new Map<string, string>(VACCINE_TYPES.map((v) => [v.code, v.name]));

/** The W0422 name of a vaccine type; an unknown code is shown as such. */
export function vaccineName(code: string): string {
  return VACCINE_NAMES.get(code) ?? `Vaccin (code ${code})`;
}

export function fullName(person: CertificateContent['person']): string {
  return formatPersonName(person.givenName, person.namePrefix, person.familyName);
}

/** The standard fonts encode WinAnsi only: other letters lose their accents, or become "?". */
function encodable(font: PDFFont): (text: string) => string {
  const supported = new Set(font.getCharacterSet());
  return (text) =>
    [...text]
      .map((ch) => {
        if (supported.has(ch.codePointAt(0)!)) return ch;
        const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
        return [...base].every((c) => supported.has(c.codePointAt(0)!)) && base !== '' ? base : '?';
      })
      .join('');
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const ROW = 18;
const DARK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.4, 0.4, 0.4);
const LINE = rgb(0.75, 0.75, 0.75);

export async function buildCertificatePdf(content: CertificateContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const issued = new Date(`${content.issuedOn}T00:00:00Z`);
  doc.setTitle(CERTIFICATE_TITLE, { showInWindowTitleBar: true });
  doc.setSubject('Vaccinaties geregistreerd in het RVP-register');
  doc.setKeywords([content.verificationId]);
  doc.setLanguage('nl-NL');
  doc.setProducer('open-rvp');
  doc.setCreator('open-rvp register');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const safe = encodable(regular);
  const barcode = await doc.embedPng(
    await bwipjs.toBuffer({
      bcid: 'code128',
      text: content.verificationId,
      scale: 2,
      height: 12,
      includetext: true,
      textxalign: 'center',
    }),
  );

  const pages: PDFPage[] = [];
  const text = (
    page: PDFPage,
    value: string,
    x: number,
    y: number,
    size = 11,
    font = regular,
    color = DARK,
  ) => page.drawText(safe(value), { x, y, size, font, color });

  // Page 1: heading, person, issue and verification.
  let page = doc.addPage(A4);
  pages.push(page);
  const top = A4[1] - MARGIN;
  text(page, CERTIFICATE_TITLE, MARGIN, top - 10, 18, bold);
  text(
    page,
    'Overzicht van de vaccinaties die in het RVP-register zijn geregistreerd.',
    MARGIN,
    top - 32,
    10,
    regular,
    GREY,
  );

  let y = top - 72;
  const label = (name: string, value: string) => {
    text(page, name, MARGIN, y, 10, regular, GREY);
    text(page, value, MARGIN + 110, y, 11, bold);
    y -= ROW;
  };
  label('Naam', fullName(content.person));
  label('Geboortedatum', dutchDate(content.person.birthDate));
  label('Datum van uitgifte', dutchDate(content.issuedOn));
  label('Verificatiecode', content.verificationId);
  const scale = Math.min(1, 200 / barcode.width);
  page.drawImage(barcode, {
    x: A4[0] - MARGIN - barcode.width * scale,
    y: top - 60 - barcode.height * scale,
    width: barcode.width * scale,
    height: barcode.height * scale,
  });

  // The vaccinations, continued on further pages when needed.
  y -= ROW;
  const columns = [MARGIN, MARGIN + 220, MARGIN + 330];
  const header = () => {
    text(page, 'Vaccinatie', columns[0]!, y, 10, bold);
    text(page, 'Datum', columns[1]!, y, 10, bold);
    text(page, 'Batchnummer', columns[2]!, y, 10, bold);
    page.drawLine({
      start: { x: MARGIN, y: y - 5 },
      end: { x: A4[0] - MARGIN, y: y - 5 },
      thickness: 0.5,
      color: LINE,
    });
    y -= ROW + 2;
  };
  header();
  if (content.vaccinations.length === 0) {
    text(page, 'Er zijn geen vaccinaties geregistreerd.', columns[0]!, y, 11);
    y -= ROW;
  }
  for (const v of content.vaccinations) {
    if (y < MARGIN + 40) {
      page = doc.addPage(A4);
      pages.push(page);
      y = top - 10;
      text(page, `${CERTIFICATE_TITLE} (vervolg): ${fullName(content.person)}`, MARGIN, y, 10, regular, GREY);
      y -= 2 * ROW;
      header();
    }
    text(page, vaccineName(v.vaccineType), columns[0]!, y);
    text(page, dutchDate(v.date), columns[1]!, y);
    text(page, v.batchNumber, columns[2]!, y);
    y -= ROW;
  }

  const note =
    'Dit bewijs toont de vaccinaties zoals ze op de datum van uitgifte in het register stonden. ' +
    'De echtheid is na te gaan met de verificatiecode.';
  pages.forEach((p, i) => {
    p.drawText(safe(note), {
      x: MARGIN,
      y: MARGIN - 8,
      size: 8,
      lineHeight: 10,
      font: regular,
      color: GREY,
      maxWidth: A4[0] - 2 * MARGIN - 90,
    });
    p.drawText(`Pagina ${i + 1} van ${pages.length}`, {
      x: A4[0] - MARGIN - 70,
      y: MARGIN - 8,
      size: 8,
      font: regular,
      color: GREY,
    });
  });
  return doc.save();
}
