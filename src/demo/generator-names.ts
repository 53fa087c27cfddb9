/**
 * Name tables for synthetic people. A household gets one background; it picks family names and
 * (mostly) given names from that background, so names within a family fit together.
 * Family names are split as in the BRP: prefix (voorvoegsel) and the rest.
 */

export interface FamilyName {
  readonly prefix: string | null;
  readonly name: string;
}

export interface Background {
  /** Relative share of households. */
  readonly weight: number;
  readonly familyNames: readonly FamilyName[];
  readonly boys: readonly string[];
  readonly girls: readonly string[];
  readonly men: readonly string[];
  readonly women: readonly string[];
}

/** "van der|Meer, Bakker" → FamilyName[]; a "|" separates prefix and name. */
function families(list: string): FamilyName[] {
  return list.split(', ').map((entry) => {
    const bar = entry.indexOf('|');
    return bar < 0
      ? { prefix: null, name: entry }
      : { prefix: entry.slice(0, bar), name: entry.slice(bar + 1) };
  });
}

const words = (list: string): string[] => list.split(', ');

const DUTCH: Background = {
  weight: 76,
  familyNames: families(
    'de|Jong, Jansen, de|Vries, van den|Berg, van|Dijk, Bakker, Janssen, Visser, Smit, Meijer, de|Boer, ' +
      'Mulder, de|Groot, Bos, Vos, Peters, Hendriks, van|Leeuwen, Dekker, Brouwer, de|Wit, Dijkstra, Smits, ' +
      'de|Graaf, van der|Meer, van der|Linden, Kok, Jacobs, de|Haan, Vermeulen, van den|Heuvel, van der|Veen, ' +
      'van den|Broek, de|Bruijn, de|Bruin, van der|Heijden, Schouten, van|Beek, Willems, van|Vliet, van de|Ven, ' +
      'Hoekstra, Maas, Verhoeven, Koster, van|Dam, van der|Wal, Prins, Blom, Huisman, Peeters, de|Jonge, Kuipers, ' +
      'van|Veen, Post, Kuiper, Veenstra, Kramer, van den|Brink, Scholten, van|Wijk, Postma, Martens, Vink, ' +
      'de|Ruiter, Timmermans, Groen, Gerritsen, Jonker, van|Loon, Boer, van der|Velde, Willemsen, Smeets, ' +
      'de|Lange, de|Vos, Bosch, van|Dongen, Schipper, de|Koning, van der|Laan, Koning, van der|Velden, Driessen, ' +
      'van|Doorn, Hermans, Evers, van den|Bosch, van der|Meulen, Hofman, Bosman, Wolters, Sanders, van der|Horst, ' +
      "Mol, Kuijpers, Molenaar, van de|Pol, de|Leeuw, Verbeek, ter|Horst, ter|Haar, ten|Brink, in 't|Veld, " +
      "van 't|Hof, Zwart, Wouters, Hoogendoorn, Brinkman, Hoekman, Terpstra, Wijnands",
  ),
  boys: words(
    'Noah, Luca, Sem, Liam, Lucas, Daan, Finn, Levi, Milan, Bram, Jesse, Thijs, Mees, Luuk, Adam, Sam, Max, ' +
      'Julian, Siem, Thomas, Ruben, Lars, Tim, Jens, Gijs, Teun, Hugo, Benjamin, Otis, Vince, Guus, Jurre, ' +
      'Stijn, Jayden, Olivier, Floris, Ties, Dex, Morris, Boaz, Jan, Willem, Kai, Ravi, Joep, Tobias',
  ),
  girls: words(
    'Emma, Julia, Mila, Tess, Sophie, Zoë, Sara, Nora, Yara, Eva, Liv, Lotte, Noor, Fleur, Saar, Lieke, Anna, ' +
      'Evi, Nina, Roos, Sanne, Isa, Fenna, Lynn, Maud, Olivia, Lina, Elin, Jasmijn, Lauren, Femke, Floor, Puck, ' +
      'Hanna, Nova, Loïs, Esmee, Isabella, Vera, Luna, Romy, Feline, Amy, Ilse, Jill',
  ),
  men: words(
    'Mark, Dennis, Jeroen, Martijn, Sander, Bas, Rob, Erik, Tom, Kevin, Niels, Stefan, Joost, Wouter, Jan, ' +
      'Pieter, Michiel, Remco, Arjen, Maarten, Bart, Ruud, Frank, Vincent, Jasper, Rick, Thijs, Roel, Koen, Paul',
  ),
  women: words(
    'Linda, Sanne, Anouk, Lisa, Kim, Marieke, Femke, Esther, Inge, Laura, Sarah, Iris, Nicole, Manon, Wendy, ' +
      'Miranda, Ilse, Eline, Lotte, Judith, Marloes, Annemiek, Petra, Suzanne, Renske, Karin, Mirjam, Charlotte',
  ),
};

const TURKISH: Background = {
  weight: 5,
  familyNames: families(
    'Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç, ' +
      'Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Korkmaz, Erdoğan, Güneş',
  ),
  boys: words(
    'Emir, Yusuf, Ömer, Mustafa, Ibrahim, Eymen, Kerem, Mert, Burak, Emre, Ali, Arda, Baran, Efe, Deniz',
  ),
  girls: words(
    'Zeynep, Elif, Ecem, Eylül, Defne, Azra, Elif Nur, Ela, Asya, Meryem, Hira, Esma, Melek, Lara',
  ),
  men: words('Mehmet, Ahmet, Hasan, Hüseyin, Mustafa, Ali, Murat, İbrahim, Osman, Kemal, Serkan, Volkan'),
  women: words('Ayşe, Fatma, Emine, Hatice, Zeynep, Özlem, Derya, Gülsen, Serpil, Sevda, Esra, Büşra'),
};

const MOROCCAN: Background = {
  weight: 5,
  familyNames: families(
    'El Amrani, Benali, Bouzid, El Idrissi, Amrani, Haddou, El Khatib, Boukhari, Azzouzi, Bakkali, ' +
      'El Hamdaoui, Ouali, Tahiri, Zaari, Chaouch, El Ouali, Aarab, Bennani, Essafi, Mansouri',
  ),
  boys: words(
    'Mohamed, Ayoub, Adam, Rayan, Amir, Anouar, Zakaria, Hamza, Youssef, Ilias, Nassim, Bilal, Imran',
  ),
  girls: words(
    'Fatima, Aya, Amira, Yasmina, Salma, Imane, Hiba, Noor, Sara, Malak, Lina, Ikram, Soumaya, Nour',
  ),
  men: words('Mohamed, Ahmed, Rachid, Mustapha, Abdelkader, Hassan, Said, Khalid, Karim, Youssef, Nordin'),
  women: words(
    'Khadija, Fatima, Samira, Nadia, Naima, Malika, Hafida, Latifa, Rachida, Hanane, Souad, Loubna',
  ),
};

const CARIBBEAN: Background = {
  weight: 4,
  familyNames: families(
    'Pinas, Nelom, Wijngaarde, Kasanwirjo, Ramdin, Jagesar, Sedney, Biharie, Doelwijt, Kross, Martina, ' +
      'Rosario, Statia, Zschuschen, Ramsaran, Mahabier, Brunings, Chin A Loi, Sewdien, Kartosen',
  ),
  boys: words('Jayden, Dylan, Shawn, Rohan, Shivan, Dave, Jordi, Xavi, Kenji, Ravi, Damian, Quincy, Jaïr'),
  girls: words('Naomi, Kiara, Priya, Shanti, Chelsea, Jaylinn, Anaya, Shanaya, Giovanna, Sharon, Imani, Zoë'),
  men: words('Ricardo, Mitchell, Clarence, Roy, Glenn, Anand, Ravindra, Edgar, Marvin, Romano, Dwight'),
  women: words('Sharmila, Jennifer, Angelique, Shirley, Priscilla, Reshma, Sandra, Natasja, Cheryl, Rowena'),
};

const OTHER: Background = {
  weight: 10,
  familyNames: families(
    'Kowalski, Nowak, Wiśniewska, Lewandowski, Nguyen, Tran, Mohammed, Ahmadi, Hussein, Ali, Haddad, ' +
      'Popescu, Ionescu, Petrov, Rossi, García, Santos, da|Silva, dos|Santos, Müller, Schmidt, Tjoa, Tan, ' +
      'Lie, Wang, Chen, Osman, Abdi, Farah, Khan, Singh, Papadopoulos, Kovač, Horvat',
  ),
  boys: words('Adam, Liam, Noah, Leo, Daniel, Oliwer, Jakub, Minh, Omar, Karim, Matteo, Mateo, Elias, Aaron'),
  girls: words('Mia, Emma, Sofia, Maja, Zuzanna, Linh, Hana, Layla, Maryam, Alicia, Elena, Amelia, Ava, Lea'),
  men: words('Piotr, Tomasz, Andrzej, Minh, Duc, Omar, Ahmad, Mihai, Andrei, Marco, Carlos, João, Wei, Ivan'),
  women: words('Anna, Katarzyna, Agnieszka, Thi Lan, Mai, Rania, Amina, Ioana, Elena, Giulia, Ana, Li, Olga'),
};

export const BACKGROUNDS: readonly Background[] = [DUTCH, TURKISH, MOROCCAN, CARIBBEAN, OTHER];

/** Dutch names are common in every background; the generator mixes them in for children. */
export const DUTCH_BACKGROUND = DUTCH;
