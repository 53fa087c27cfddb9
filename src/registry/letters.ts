import bwipjs from 'bwip-js';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

/** One vaccination the letter invites for (one invitation card each). */
export interface InvitationItem {
  invitationId: string;
  vaccineGroup: string;
  /** Plain Dutch name of what is given, e.g. "DKTP-Hib-HepB en Pneumokokken". */
  description: string;
  dueDate: string;
  doseNumber: number;
}

export interface InvitationLetter {
  kind: 'invitation' | 'reminder';
  person: {
    name: string;
    birthDate: string;
    addressLines: string[];
  };
  organisation: { name: string };
  items: InvitationItem[];
  /** The first invitation carries a vaccination certificate (R-R4). */
  certificate?: Array<{ vaccine: string; date: string; batchNumber: string }>;
  insert?: Uint8Array;
  issuedOn: string;
}

const A4: [number, number] = [595.28, 841.89];
const BLUE = rgb(0.082, 0.259, 0.451); // #154273, the header colour of the web apps

// The standard PDF fonts encode WinAnsi only: Latin-1 plus these. Names like "Yıldız" or "Wałęsa"
// would make pdf-lib throw, so other characters fall back to their base letter.
const WIN_ANSI_EXTRA = new Set('€ŠšŽžŒœŸƒˆ˜–—‘’‚“”„†‡•…‰‹›™');
const FALLBACK: Record<string, string> = { ı: 'i', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ø: 'o', ß: 'ss' };
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code <= 0x7e || code <= 0xff || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (FALLBACK[ch]) out += FALLBACK[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => c >= ' ' && c <= '~') ? base : '?';
    }
  }
  return out;
}

const dutchDate = (iso: string): string => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;

/**
 * An invitation or reminder letter (R-R4) as a real PDF: the letter, an invitation card per due
 * vaccination with a Code 128 barcode of its invitation id (scanned at the vaccination location),
 * optionally the vaccination certificate, and optionally the organisation's one double-sided A4 insert.
 */
export async function renderInvitationLetter(letter: InvitationLetter): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(
    letter.kind === 'invitation'
      ? 'Uitnodiging Rijksvaccinatieprogramma'
      : 'Herinnering Rijksvaccinatieprogramma',
  );
  pdf.setAuthor(letter.organisation.name);
  pdf.setLanguage('nl-NL');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);

  const page = pdf.addPage(A4);
  let y = header(
    page,
    bold,
    letter.kind === 'invitation' ? 'Uitnodiging vaccinatie' : 'Herinnering vaccinatie',
  );
  for (const line of letter.person.addressLines) {
    page.drawText(toWinAnsi(line), { x: 56, y, size: 11, font });
    y -= 15;
  }
  y -= 20;
  page.drawText(`Datum: ${dutchDate(letter.issuedOn)}`, { x: 56, y, size: 10, font });
  y -= 30;
  const intro =
    letter.kind === 'invitation'
      ? `Voor ${letter.person.name} (geboren ${dutchDate(letter.person.birthDate)}) is het tijd voor de volgende vaccinatie(s) van het Rijksvaccinatieprogramma.`
      : `Wij hebben nog geen vaccinatie geregistreerd voor ${letter.person.name} (geboren ${dutchDate(letter.person.birthDate)}). Daarom sturen wij u deze herinnering.`;
  y = paragraph(page, font, intro, y);
  y -= 10;
  for (const item of letter.items) {
    y = paragraph(
      page,
      bold,
      `• ${item.description} (dosis ${item.doseNumber}), vanaf ${dutchDate(item.dueDate)}`,
      y,
    );
  }
  y -= 10;
  y = paragraph(
    page,
    font,
    `Neem de uitnodigingskaart(en) mee naar de afspraak bij ${letter.organisation.name}. Deelname is vrijwillig en gratis. Vragen? Neem contact op met ${letter.organisation.name}.`,
    y,
  );

  for (const item of letter.items) await card(pdf, font, bold, letter, item);

  if (letter.certificate) {
    const cert = pdf.addPage(A4);
    let cy = header(cert, bold, 'Vaccinatiebewijs');
    cy = paragraph(cert, font, `${letter.person.name}, geboren ${dutchDate(letter.person.birthDate)}`, cy);
    cy -= 10;
    if (letter.certificate.length === 0)
      cy = paragraph(cert, font, 'Er zijn nog geen vaccinaties geregistreerd.', cy);
    for (const row of letter.certificate) {
      cert.drawText(toWinAnsi(`${dutchDate(row.date)}   ${row.vaccine}   partij ${row.batchNumber}`), {
        x: 56,
        y: cy,
        size: 10,
        font,
      });
      cy -= 14;
    }
  }
  if (letter.insert) {
    const insert = await PDFDocument.load(letter.insert);
    const pages = await pdf.copyPages(insert, insert.getPageIndices().slice(0, 2));
    for (const p of pages) pdf.addPage(p);
  }
  return pdf.save();
}

function header(page: PDFPage, bold: PDFFont, title: string): number {
  const [, height] = A4;
  page.drawRectangle({ x: 0, y: height - 60, width: A4[0], height: 60, color: BLUE });
  page.drawText('Rijksvaccinatieprogramma', {
    x: 56,
    y: height - 38,
    size: 16,
    font: bold,
    color: rgb(1, 1, 1),
  });
  page.drawText(toWinAnsi(title), { x: 56, y: height - 100, size: 18, font: bold, color: BLUE });
  return height - 140;
}

function paragraph(page: PDFPage, font: PDFFont, text: string, y: number, size = 11): number {
  const maxWidth = A4[0] - 112;
  let line = '';
  for (const word of toWinAnsi(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > maxWidth) {
      page.drawText(line, { x: 56, y, size, font });
      y -= size + 4;
      line = word;
    } else line = next;
  }
  if (line) {
    page.drawText(line, { x: 56, y, size, font });
    y -= size + 4;
  }
  return y;
}

async function card(
  pdf: PDFDocument,
  font: PDFFont,
  bold: PDFFont,
  letter: InvitationLetter,
  item: InvitationItem,
) {
  const page = pdf.addPage(A4);
  const top = A4[1] - 80;
  page.drawRectangle({
    x: 56,
    y: top - 220,
    width: A4[0] - 112,
    height: 220,
    borderColor: BLUE,
    borderWidth: 1.5,
  });
  page.drawText('Uitnodigingskaart', { x: 72, y: top - 30, size: 14, font: bold, color: BLUE });
  page.drawText(toWinAnsi(`${letter.person.name}, geboren ${dutchDate(letter.person.birthDate)}`), {
    x: 72,
    y: top - 55,
    size: 11,
    font,
  });
  page.drawText(toWinAnsi(`${item.description}, dosis ${item.doseNumber}`), {
    x: 72,
    y: top - 75,
    size: 11,
    font,
  });
  page.drawText(toWinAnsi(`Vanaf ${dutchDate(item.dueDate)} bij ${letter.organisation.name}`), {
    x: 72,
    y: top - 95,
    size: 11,
    font,
  });
  const png = await bwipjs.toBuffer({
    bcid: 'code128',
    text: item.invitationId,
    scale: 2,
    height: 12,
    includetext: true,
  });
  const image = await pdf.embedPng(png);
  page.drawImage(image, { x: 72, y: top - 200, width: Math.min(300, image.width), height: 70 });
}
