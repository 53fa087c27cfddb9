/**
 * Personalised letters of sessions and sweeps as real PDFs (pdf-lib; barcodes bwip-js, Code 128):
 * a consent request or reminder with a response card (seed 001 §4.8, §4.9, §4.11), a confirmation to
 * bring to the session (§4.8), and the letter before the 16th birthday (§4.10). Every letter says how
 * to reach a professional. One PDF holds all letters of a run, one letter (and card) per addressee.
 */
import bwipjs from 'bwip-js';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

export type LetterKind = 'request' | 'reminder' | 'confirmation' | 'turning-16';

export interface SessionLetter {
  kind: LetterKind;
  code: string;
  /** The addressee: a custodian, the youth, or the legal representative. */
  recipient: { name: string; role: 'custodian' | 'youth' | 'legal-representative' };
  youth: { name: string; birthDate: string };
  addressLines: string[];
  organisation: { name: string };
  /** How to reach a professional: always printed. */
  contact: string;
  session?: { name: string; location: string; dates: string[]; vaccines: string[] } | undefined;
  /** Confirmation: the registered decision; turning 16: the birthday. */
  decision?: 'toestemming' | 'geen-toestemming' | undefined;
  birthday?: string | undefined;
  issuedOn: string;
}

const A4: [number, number] = [595.28, 841.89];
const BLUE = rgb(0.082, 0.259, 0.451);

/** The standard fonts encode WinAnsi only; other letters fall back to their base letter (or '?'). */
function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code <= 0xff || '€–—‘’“”•…'.includes(ch)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => c >= ' ' && c <= '~') ? base : '?';
    }
  }
  return out;
}

export const dutchDate = (iso: string): string => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;

const TITLES: Record<LetterKind, string> = {
  request: 'Toestemming gegevensuitwisseling vaccinaties',
  reminder: 'Herinnering: toestemming gegevensuitwisseling',
  confirmation: 'Bevestiging van uw keuze',
  'turning-16': 'Als je 16 wordt: jouw keuze telt',
};

function body(letter: SessionLetter): string[] {
  const you = letter.recipient.role === 'youth';
  const about = you ? 'jouw' : `de vaccinaties van ${letter.youth.name}`;
  const session = letter.session
    ? `${letter.session.name}: ${letter.session.vaccines.join(', ')} op ${letter.session.dates
        .map(dutchDate)
        .join(', ')} in ${letter.session.location}.`
    : null;
  const why = `Wij geven vaccinaties uit het Rijksvaccinatieprogramma door aan het RIVM. Met ${
    you ? 'jouw' : 'uw'
  } toestemming gaat dat met persoonsgegevens; zonder toestemming zonder persoonsgegevens. Zonder toestemming kan het RIVM geen volledig overzicht van ${about} bijhouden.`;
  const roleLine =
    letter.recipient.role === 'custodian'
      ? `U ontvangt deze brief als gezaghebbende van ${letter.youth.name} (geboren ${dutchDate(letter.youth.birthDate)}). Tot 16 jaar is de toestemming van de gezaghebbende(n) nodig; vanaf 12 jaar ook die van de jeugdige zelf.`
      : letter.recipient.role === 'legal-representative'
        ? `U ontvangt deze brief als wettelijk vertegenwoordiger van ${letter.youth.name} (geboren ${dutchDate(letter.youth.birthDate)}).`
        : 'Vanaf 12 jaar telt jouw eigen toestemming mee; tot 16 jaar samen met die van je ouder(s) met gezag.';
  switch (letter.kind) {
    case 'request':
    case 'reminder':
      return [
        letter.kind === 'reminder'
          ? `Wij hebben ${you ? 'jouw' : 'uw'} antwoord op onze eerdere brief nog niet ontvangen. Daarom sturen wij deze herinnering.`
          : `Voordat wij vaccineren vragen wij ${you ? 'jou' : 'u'} om toestemming voor het uitwisselen van vaccinatiegegevens met het RIVM.`,
        roleLine,
        why,
        ...(session ? [`De vaccinatie: ${session}`] : []),
        `Vul de antwoordkaart in, onderteken hem en stuur hem terug of neem hem mee. Geen antwoord betekent geen toestemming. Zonder geregistreerde keuze kan het op de vaccinatiedag langer duren.`,
      ];
    case 'confirmation':
      return [
        `Wij hebben ${you ? 'jouw' : 'uw'} keuze geregistreerd. Het besluit is nu: ${
          letter.decision === 'toestemming'
            ? 'toestemming — vaccinaties gaan met persoonsgegevens naar het RIVM'
            : 'geen toestemming — vaccinaties gaan zonder persoonsgegevens naar het RIVM'
        }.`,
        ...(session ? [`De vaccinatie: ${session}`] : []),
        `Neem deze brief mee naar de vaccinatie: met de streepjescode vinden wij ${you ? 'je' : letter.youth.name} snel. Je kunt je keuze altijd wijzigen.`,
      ];
    case 'turning-16':
      return [
        `Op ${dutchDate(letter.birthday ?? letter.issuedOn)} word je 16. Vanaf dan beslis alleen jij of jouw vaccinatiegegevens met persoonsgegevens naar het RIVM gaan; de keuze van je ouder(s) telt dan niet meer.`,
        letter.decision === 'toestemming'
          ? 'Jij hebt toestemming gegeven. Dat betekent dat eerder zonder persoonsgegevens verstuurde vaccinaties die wij gaven, vanaf je verjaardag alsnog met jouw persoonsgegevens naar het RIVM gaan. Wil je dat niet? Laat het ons weten met de antwoordkaart of bel ons, vóór je verjaardag.'
          : 'Jij hebt geen toestemming gegeven (of nog geen keuze gemaakt). Vanaf je verjaardag gaan jouw vaccinatiegegevens dan zonder persoonsgegevens naar het RIVM. Wil je dat wel? Laat het ons weten met de antwoordkaart.',
      ];
  }
}

/** All letters of one run in one PDF; each letter is a page, a request or 16 letter adds a card. */
export async function renderSessionLetters(letters: readonly SessionLetter[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Brieven toestemming gegevensuitwisseling RVP');
  pdf.setLanguage('nl-NL');
  if (letters[0]) pdf.setAuthor(letters[0].organisation.name);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (const letter of letters) {
    const page = pdf.addPage(A4);
    let y = header(page, bold, TITLES[letter.kind]);
    page.drawText(winAnsi(letter.recipient.name), { x: 56, y, size: 11, font });
    y -= 15;
    for (const line of letter.addressLines) {
      page.drawText(winAnsi(line), { x: 56, y, size: 11, font });
      y -= 15;
    }
    y -= 15;
    page.drawText(`Datum: ${dutchDate(letter.issuedOn)}   Kenmerk: ${letter.code}`, {
      x: 56,
      y,
      size: 10,
      font,
    });
    y -= 28;
    y = paragraph(page, font, `Beste ${letter.recipient.name},`, y);
    y -= 6;
    for (const text of body(letter)) {
      y = paragraph(page, font, text, y);
      y -= 6;
    }
    y -= 6;
    // Seed 001 §4.8: the letter must always say how to reach a professional.
    y = paragraph(
      page,
      bold,
      `Vragen over deze toestemming? Een jeugdverpleegkundige of jeugdarts van ${letter.organisation.name} helpt ${
        letter.recipient.role === 'youth' ? 'je' : 'u'
      } graag: ${letter.contact}.`,
      y,
    );
    y -= 6;
    y = paragraph(page, font, `Met vriendelijke groet,`, y);
    y = paragraph(page, font, letter.organisation.name, y);
    if (letter.kind === 'confirmation') await barcode(pdf, page, letter.code, 56, 90);
    else await card(pdf, font, bold, letter);
  }
  return pdf.save();
}

function header(page: PDFPage, bold: PDFFont, title: string): number {
  const [, height] = A4;
  page.drawRectangle({ x: 0, y: height - 60, width: A4[0], height: 60, color: BLUE });
  page.drawText('Jeugdgezondheidszorg', { x: 56, y: height - 38, size: 16, font: bold, color: rgb(1, 1, 1) });
  page.drawText(winAnsi(title), { x: 56, y: height - 100, size: 16, font: bold, color: BLUE });
  return height - 135;
}

function paragraph(page: PDFPage, font: PDFFont, text: string, y: number, size = 10.5, x = 56): number {
  const maxWidth = A4[0] - x - 56;
  let line = '';
  for (const word of winAnsi(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > maxWidth && line) {
      page.drawText(line, { x, y, size, font });
      y -= size + 4;
      line = word;
    } else line = next;
  }
  if (line) {
    page.drawText(line, { x, y, size, font });
    y -= size + 4;
  }
  return y;
}

async function barcode(pdf: PDFDocument, page: PDFPage, code: string, x: number, y: number): Promise<void> {
  const png = await bwipjs.toBuffer({ bcid: 'code128', text: code, scale: 3, height: 12, includetext: true });
  const image = await pdf.embedPng(png);
  page.drawImage(image, { x, y, width: Math.min(240, image.width), height: 64 });
}

/** The response card on its own page, to cut off and return: barcode, choices, signature. */
async function card(pdf: PDFDocument, font: PDFFont, bold: PDFFont, letter: SessionLetter): Promise<void> {
  const page = pdf.addPage(A4);
  const top = A4[1] - 70;
  page.drawRectangle({
    x: 56,
    y: top - 330,
    width: A4[0] - 112,
    height: 330,
    borderColor: BLUE,
    borderWidth: 1.5,
  });
  page.drawText('Antwoordkaart toestemming gegevensuitwisseling RVP', {
    x: 72,
    y: top - 28,
    size: 13,
    font: bold,
    color: BLUE,
  });
  let y = top - 52;
  y = paragraph(
    page,
    font,
    `Jeugdige: ${letter.youth.name}, geboren ${dutchDate(letter.youth.birthDate)}`,
    y,
    10.5,
    72,
  );
  const who =
    letter.recipient.role === 'custodian'
      ? `Gezaghebbende: ${letter.recipient.name}`
      : letter.recipient.role === 'legal-representative'
        ? `Wettelijk vertegenwoordiger: ${letter.recipient.name}`
        : `Ik, ${letter.recipient.name}`;
  y = paragraph(page, font, who, y, 10.5, 72);
  y -= 10;
  for (const choice of [
    'Ja, ik geef toestemming: vaccinatiegegevens gaan met persoonsgegevens naar het RIVM.',
    'Nee, ik geef geen toestemming: vaccinatiegegevens gaan zonder persoonsgegevens naar het RIVM.',
  ]) {
    page.drawRectangle({ x: 72, y: y - 2, width: 10, height: 10, borderColor: rgb(0, 0, 0), borderWidth: 1 });
    y = paragraph(page, font, choice, y, 10, 90);
    y -= 6;
  }
  y -= 10;
  page.drawText('Datum: ____________________   Handtekening: ______________________', {
    x: 72,
    y,
    size: 10,
    font,
  });
  y -= 22;
  paragraph(page, font, `Vragen? ${letter.contact}`, y, 9.5, 72);
  await barcode(pdf, page, letter.code, 72, top - 318);
}
