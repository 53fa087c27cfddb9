import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderInvitationLetter, toWinAnsi } from '../../../src/registry/letters.js';

const letter = (name: string) => ({
  kind: 'invitation' as const,
  person: {
    name,
    birthDate: '2025-09-01',
    addressLines: [`Aan de ouders van ${name}`, 'Dorpsstraat 12', '3511 AB  Utrecht'],
  },
  organisation: { name: 'GGD regio Utrecht' },
  items: [
    {
      invitationId: 'INV-1',
      vaccineGroup: 'DKTP',
      description: 'DKTP-Hib-HepB',
      dueDate: '2025-12-01',
      doseNumber: 1,
    },
    {
      invitationId: 'INV-2',
      vaccineGroup: 'PNEU',
      description: 'Pneumokokken',
      dueDate: '2025-12-01',
      doseNumber: 1,
    },
  ],
  certificate: [{ vaccine: 'Rotavirus', date: '2025-10-15', batchNumber: 'R1' }],
  issuedOn: '2026-11-23',
});

describe('invitation letters (R-R4)', () => {
  it('are real PDFs: a letter, a card per vaccination, and the certificate with the first invitation', async () => {
    const bytes = await renderInvitationLetter(letter('Noor de Vries'));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1 + 2 + 1);
    expect(pdf.getTitle()).toBe('Uitnodiging Rijksvaccinatieprogramma');
    const without = await PDFDocument.load(
      await renderInvitationLetter({ ...letter('Sem'), certificate: undefined }),
    );
    expect(without.getPageCount()).toBe(3);
  });

  it('print any name, also outside the fonts’ character set', async () => {
    for (const name of ['Yıldız Çelik', 'Wałęsa Łukasz', 'Nguyễn Thị', 'Ørsted', '李小龍']) {
      await expect(renderInvitationLetter(letter(name))).resolves.toBeInstanceOf(Uint8Array);
    }
    expect(toWinAnsi('Yıldız Çelik')).toBe('Yildiz Çelik');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const ch of toWinAnsi(text)) {
          const code = ch.codePointAt(0)!;
          expect((code >= 0x20 && code <= 0xff) || '€ŠšŽžŒœŸƒˆ˜–—‘’‚“”„†‡•…‰‹›™'.includes(ch)).toBe(true);
        }
      }),
    );
  });
});
