import bwipjs from 'bwip-js';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { toWinAnsi } from '../registry/letters.js';

/** A campaign letter: the invitation with the appointment already in it (seed 000), or its reminder. */
export interface CampaignLetter {
  kind: 'invitation' | 'reminder';
  campaign: { name: string; description: string };
  person: { name: string; addressLines: string[] };
  /** Who invites (the one organisation in charge of inviting). */
  sentBy: string;
  invitationId: string;
  /** Null for the comparison group: a plain invitation without an appointment. */
  appointment: { location: string; address: string; date: string; time: string } | null;
  portalUrl: string | null;
  issuedOn: string;
}

const A4: [number, number] = [595.28, 841.89];
const BLUE = rgb(0.082, 0.259, 0.451);
const dutchDate = (iso: string): string => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;

/** Renders the letter as a real PDF with a Code 128 barcode of the invitation id (scanned at the location). */
export async function renderCampaignLetter(letter: CampaignLetter): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(letter.kind === 'invitation' ? 'Uitnodiging met afspraak' : 'Herinnering afspraak');
  pdf.setAuthor(letter.sentBy);
  pdf.setLanguage('nl-NL');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage(A4);
  const [, height] = A4;
  page.drawRectangle({ x: 0, y: height - 70, width: A4[0], height: 70, color: BLUE });
  page.drawText(toWinAnsi(letter.sentBy), {
    x: 72,
    y: height - 45,
    size: 14,
    font: bold,
    color: rgb(1, 1, 1),
  });
  let y = height - 110;
  const line = (text: string, size = 11, f = font) => {
    page.drawText(toWinAnsi(text), { x: 72, y, size, font: f });
    y -= size + 6;
  };
  line(letter.person.name);
  for (const address of letter.person.addressLines) line(address);
  y -= 20;
  line(`Datum: ${dutchDate(letter.issuedOn)}`);
  y -= 10;
  const title =
    letter.kind === 'invitation'
      ? `Uitnodiging: ${letter.campaign.name}`
      : `Herinnering: uw afspraak voor ${letter.campaign.name}`;
  line(title, 16, bold);
  y -= 6;
  line(letter.campaign.description);
  y -= 10;
  if (letter.appointment) {
    line('Wij hebben alvast een afspraak voor u gemaakt:', 11, bold);
    line(`Plaats: ${letter.appointment.location}, ${letter.appointment.address}`);
    line(`Datum: ${dutchDate(letter.appointment.date)}   Tijd: ${letter.appointment.time} uur`);
    y -= 6;
    line('Past deze afspraak niet? Verzet of annuleer hem in het portaal.');
  } else {
    line('U kunt zonder afspraak langskomen op een van onze locaties.', 11, bold);
  }
  if (letter.portalUrl) line(`Portaal: ${letter.portalUrl}`);
  y -= 10;
  line('Neem deze brief en een identiteitsbewijs mee.');
  const png = await bwipjs.toBuffer({
    bcid: 'code128',
    text: letter.invitationId,
    scale: 2,
    height: 12,
    includetext: true,
  });
  const image = await pdf.embedPng(png);
  page.drawImage(image, { x: 72, y: y - 90, width: Math.min(420, image.width), height: 70 });
  return pdf.save();
}
