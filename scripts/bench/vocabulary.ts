/**
 * The material the synthetic manuscripts are cut from: French phrases about the book's subject
 * (Soviet prisoners of war from Kazakhstan, the Turkestan Legion, the Resistance in the Tarn),
 * Kazakh and Russian names in their own scripts, places, archives and publications. Invented, but
 * shaped like the real book so that every stage does the work it does on the real one: accents,
 * « » and apostrophes for the typography, Cyrillic spans for the languages and the fonts, names
 * for the index.
 */

/** A name in its French form, in Russian and in Kazakh (both Cyrillic). */
export interface TriName {
  fr: string;
  ru: string;
  kk: string;
}

export const givenNames: readonly TriName[] = [
  { fr: 'Kadem', ru: 'Кадем', kk: 'Қадем' },
  { fr: 'Uteule', ru: 'Утеуле', kk: 'Өтеулі' },
  { fr: 'Akhmet', ru: 'Ахмет', kk: 'Ахмет' },
  { fr: 'Abu', ru: 'Абу', kk: 'Әбу' },
  { fr: 'Zunum', ru: 'Зунум', kk: 'Зұнұм' },
  { fr: 'Manas', ru: 'Манас', kk: 'Манас' },
  { fr: 'Nurlan', ru: 'Нурлан', kk: 'Нұрлан' },
  { fr: 'Serik', ru: 'Серик', kk: 'Серік' },
  { fr: 'Bolat', ru: 'Болат', kk: 'Болат' },
  { fr: 'Kanat', ru: 'Канат', kk: 'Қанат' },
  { fr: 'Zhanibek', ru: 'Жанибек', kk: 'Жәнібек' },
  { fr: 'Talgat', ru: 'Талгат', kk: 'Талғат' },
  { fr: 'Murat', ru: 'Мурат', kk: 'Мұрат' },
  { fr: 'Dauren', ru: 'Даурен', kk: 'Дәурен' },
  { fr: 'Kaïrat', ru: 'Кайрат', kk: 'Қайрат' },
  { fr: 'Sabit', ru: 'Сабит', kk: 'Сәбит' },
  { fr: 'Gabdulla', ru: 'Габдулла', kk: 'Ғабдолла' },
  { fr: 'Shokan', ru: 'Шокан', kk: 'Шоқан' },
  { fr: 'Temirbek', ru: 'Темирбек', kk: 'Темірбек' },
  { fr: 'Amangueldy', ru: 'Амангельды', kk: 'Амангелді' },
];

export const surnames: readonly TriName[] = [
  { fr: 'Zhumaniyazov', ru: 'Жуманиязов', kk: 'Жұманиязов' },
  { fr: 'Bisengaliev', ru: 'Бисенгалиев', kk: 'Бисенғалиев' },
  { fr: 'Moldagaliev', ru: 'Молдагалиев', kk: 'Молдағалиев' },
  { fr: 'Zhamankulov', ru: 'Жаманкулов', kk: 'Жаманқұлов' },
  { fr: 'Nugmanov', ru: 'Нугманов', kk: 'Нұғманов' },
  { fr: 'Ospanov', ru: 'Оспанов', kk: 'Оспанов' },
  { fr: 'Seïtkaliev', ru: 'Сейткалиев', kk: 'Сейітқалиев' },
  { fr: 'Abdrakhmanov', ru: 'Абдрахманов', kk: 'Әбдірахманов' },
  { fr: 'Tokhtarov', ru: 'Тохтаров', kk: 'Тоқтаров' },
  { fr: 'Kenzhebaïev', ru: 'Кенжебаев', kk: 'Кенжебаев' },
  { fr: 'Iskakov', ru: 'Искаков', kk: 'Ысқақов' },
  { fr: 'Sultanbekov', ru: 'Султанбеков', kk: 'Сұлтанбеков' },
  { fr: 'Nurpeïsov', ru: 'Нурпеисов', kk: 'Нұрпейісов' },
  { fr: 'Tulegenov', ru: 'Тулегенов', kk: 'Төлегенов' },
  { fr: 'Kassymov', ru: 'Касымов', kk: 'Қасымов' },
  { fr: 'Baïmukhanov', ru: 'Баймуханов', kk: 'Баймұханов' },
  { fr: 'Zhakupov', ru: 'Жакупов', kk: 'Жақыпов' },
  { fr: 'Utegenov', ru: 'Утегенов', kk: 'Өтегенов' },
  { fr: 'Sarsenbaïev', ru: 'Сарсенбаев', kk: 'Сәрсенбаев' },
  { fr: 'Yessenov', ru: 'Есенов', kk: 'Есенов' },
];

/** French people of the story: résistants, officials, witnesses (Latin script only). */
export const frenchPeople: readonly string[] = [
  'Jean Bonnafous', 'Marcel Pélissier', 'Henriette Cabrol', 'Louis Delmas', 'Émile Granier', 'Germaine Séguier',
  'André Vidal', 'Paul Rouquette', 'Suzanne Fabre', 'Raymond Cassagne', 'Lucien Barthès', 'Marthe Escande',
];

export const roles: readonly string[] = [
  'ancien légionnaire', 'évadé du camp de Legionowo', 'partisan du Tarn', 'médecin militaire', 'interprète',
  'infirmière de l\'hôpital d\'Albi', 'fils d\'un ancien combattant', 'chef de groupe du maquis', 'instituteur à Uralsk',
];

export const places: readonly string[] = [
  'Albi', 'Carmaux', 'Castres', 'Gaillac', 'Mazamet', 'Lavaur', 'Rodez', 'Montauban', 'Toulouse', 'Carcassonne',
  'Jouqueviel', 'Valence-d\'Albigeois', 'Saint-Juéry', 'Graulhet', 'Réalmont', 'Lacaune', 'Cordes-sur-Ciel',
  'Villefranche-de-Rouergue', 'Mende', 'Le Puy-en-Velay', 'Legionowo', 'Neuhammer', 'Przemyśl', 'Dęblin',
];

/** Soviet places, French form and Russian form (for `[…]{lang=ru}` spans). */
export const sovietPlaces: readonly { fr: string; ru: string }[] = [
  { fr: 'Alma-Ata', ru: 'Алма-Ата' },
  { fr: 'Chymkent', ru: 'Чимкент' },
  { fr: 'Ouralsk', ru: 'Уральск' },
  { fr: 'Karaganda', ru: 'Караганда' },
  { fr: 'Semipalatinsk', ru: 'Семипалатинск' },
  { fr: 'Akmolinsk', ru: 'Акмолинск' },
  { fr: 'Kzyl-Orda', ru: 'Кзыл-Орда' },
  { fr: 'Aktioubinsk', ru: 'Актюбинск' },
];

export const months: readonly string[] = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
];

export const subjects: readonly string[] = [
  'les anciens légionnaires', 'le commandant du camp', 'un groupe de prisonniers kazakhs', 'la préfecture du Tarn',
  'les maquisards de la région', 'le rapport du sous-préfet', 'l\'état-major des FFI', 'un témoin de l\'époque',
  'la gendarmerie d\'Albi', 'les autorités soviétiques', 'le consul général', 'les familles des disparus',
  'l\'historienne', 'le registre de l\'hôpital', 'le journal local', 'les survivants', 'le curé de la paroisse',
  'l\'officier de liaison', 'les habitants du village', 'la commission de rapatriement', 'l\'interprète du bataillon',
  'le chef du détachement', 'un ancien instituteur', 'les archives militaires',
];

export const verbs: readonly string[] = [
  'signale', 'rapporte', 'évoque', 'mentionne', 'confirme', 'conteste', 'décrit', 'ignore', 'rappelle', 'précise',
  'passe sous silence', 'minimise', 'retrace', 'date', 'situe', 'résume', 'relate', 'met en doute',
];

export const pluralVerbs: readonly string[] = [
  'signalent', 'rapportent', 'évoquent', 'mentionnent', 'confirment', 'contestent', 'décrivent', 'ignorent',
  'rappellent', 'précisent', 'retracent', 'situent', 'relatent',
];

export const objects: readonly string[] = [
  'l\'arrivée d\'un convoi à la gare', 'la désertion de plusieurs hommes pendant la nuit', 'l\'état sanitaire des détenus',
  'les combats autour de la ville', 'la répartition des rations', 'un échange de prisonniers', 'la fuite vers les bois',
  'l\'attaque d\'un train de munitions', 'la libération d\'un camp', 'la cérémonie du 7 novembre', 'le départ vers Marseille',
  'la visite d\'une délégation soviétique', 'l\'interrogatoire des évadés', 'le passage d\'une colonne allemande',
  'la formation d\'un détachement autonome', 'la réquisition des camions', 'l\'enterrement des victimes',
  'la liste des hommes portés disparus', 'une bagarre dans un café', 'le retour des blessés à l\'hôpital',
  'l\'ordre de dissolution de la Légion', 'la traversée du Massif central', 'un parachutage d\'armes',
];

export const times: readonly string[] = [
  'au printemps de 1943', 'pendant l\'hiver 1942\u20131943', 'à la fin de l\'été', 'quelques jours plus tard',
  'dès le lendemain', 'au cours de l\'automne 1944', 'avant la Libération', 'dans les semaines qui suivent',
  'à l\'aube', 'vers la mi-juillet', 'au moment du débarquement de Provence', 'trois jours après l\'embuscade',
];

export const connectors: readonly string[] = [
  'Cependant,', 'En outre,', 'D\'après les archives,', 'Selon le témoignage recueilli en 1990,', 'De son côté,',
  'Quoi qu\'il en soit,', 'À l\'évidence,', 'Pourtant,', 'En revanche,', 'Plus tard,', 'Au même moment,',
  'Dans ce contexte,', 'Faute de documents,', 'À en croire la presse,',
];

export const assessments: readonly string[] = [
  'rien ne permet de trancher', 'les sources divergent sur ce point', 'le chiffre paraît exagéré',
  'la date reste incertaine', 'aucun document ne le confirme', 'le récit est plausible', 'la chronologie est fragile',
  'l\'hypothèse mérite d\'être vérifiée', 'les témoins ne s\'accordent pas', 'l\'archive est lacunaire',
];

/** Short speech, as a witness would say it: « … » in the text, straight quotes sometimes. */
export const quotations: readonly string[] = [
  'nous marchions la nuit et dormions le jour', 'personne ne savait où l\'on nous emmenait',
  'c\'étaient des hommes courageux', 'ils parlaient peu, mais ils se battaient bien', 'on ne nous a jamais remerciés',
  'j\'ai reconnu mon frère à sa voix', 'la faim était pire que les coups', 'nous voulions seulement rentrer chez nous',
  'le maire nous a donné du pain et des chaussures', 'à Albi, on nous appelait les Mongols',
];

export const sectionTitles: readonly string[] = [
  'La captivité', 'Le camp de Legionowo', 'L\'enrôlement forcé', 'Le voyage vers la France', 'Les premières évasions',
  'Le maquis', 'L\'été 1944', 'Les combats du Tarn', 'La Libération', 'Le retour', 'Le silence', 'Les archives',
  'La mémoire', 'Les témoins', 'Les familles', 'Les sources soviétiques', 'Les sources françaises', 'Les chiffres',
  'Les hôpitaux', 'La filière des évasions', 'Les cérémonies', 'La reconnaissance',
];

export const chapterTitles: readonly string[] = [
  'Des steppes aux camps de prisonniers', 'La Légion du Turkestan', 'Les convois vers l\'ouest', 'Évasions et filières',
  'Le régiment de partisans', 'L\'embuscade de Jouqueviel', 'Albi, l\'automne 1944', 'Le rapatriement',
  'Le long silence', 'La stèle et les cérémonies', 'Archives et reconnaissance', 'Les familles cherchent leurs morts',
  'Le témoignage des fils', 'Les lieux de mémoire', 'Ce que disent les registres', 'Les hommes de l\'ombre',
];

export const partTitles: readonly string[] = [
  'De la captivité à la Légion', 'Les évasions', 'Les partisans du Tarn', 'Le retour en URSS', 'Mémoire et reconnaissance',
  'Documents et témoignages', 'Les archives', 'Les familles',
];

export const archives: readonly { name: string; place: string; shelfmarks: readonly string[] }[] = [
  { name: 'Archives départementales du Tarn', place: 'Albi', shelfmarks: ['506 W 12', '506 W 14', '1 W 378', '3 W 41'] },
  { name: 'Service historique de la Défense', place: 'Vincennes', shelfmarks: ['GR 19 P 81/4', 'GR 13 P 25', 'GR 16 P 2015'] },
  { name: 'Archives nationales', place: 'Pierrefitte-sur-Seine', shelfmarks: ['F/7/15288', 'F/9/3166', 'AJ/41/1980'] },
  { name: 'Archives départementales de la Haute-Garonne', place: 'Toulouse', shelfmarks: ['2054 W 6', '5795 W 112'] },
  { name: 'Archives présidentielles de la République du Kazakhstan', place: 'Almaty', shelfmarks: ['f. 708, op. 7, d. 1242', 'f. 1987, op. 1, d. 45'] },
  { name: 'Archives d\'État de la Fédération de Russie', place: 'Moscou', shelfmarks: ['f. 9526, op. 1, d. 1123', 'f. 9526, op. 4, d. 52'] },
];

export const documentKinds: readonly string[] = [
  'Rapport du commandant de gendarmerie', 'Lettre du préfet du Tarn au ministre de l\'Intérieur', 'Liste nominative des hommes du détachement',
  'Procès-verbal d\'interrogatoire', 'Note de la commission de rapatriement', 'Télégramme de l\'état-major FFI',
  'Registre des entrées de l\'hôpital', 'Certificat d\'appartenance à la Résistance',
];

export const frenchFamilies: readonly string[] = [
  'Dupont', 'Lefebvre', 'Moreau', 'Girard', 'Rousseau', 'Fournier', 'Bonnet', 'Mercier', 'Lambert', 'Faure',
  'Chevalier', 'Garnier', 'Boyer', 'Roussel', 'Blanchard', 'Guérin', 'Barbier', 'Arnaud', 'Rivière', 'Clément',
  'Mendès', 'Cazals', 'Bénac', 'Sicard', 'Estève',
];

export const frenchGivens: readonly string[] = [
  'Jean', 'Marie', 'Pierre', 'Anne', 'Jacques', 'Hélène', 'François', 'Claire', 'Michel', 'Sophie', 'Étienne', 'Noémie',
  'Gérard', 'Cécile', 'Rémi', 'Agnès',
];

/** Authors of Russian-language works, as the bibliography gives them (Cyrillic). */
export const russianAuthors: readonly { family: string; given: string }[] = [
  { family: 'Иванов', given: 'Сергей' },
  { family: 'Кожахметов', given: 'Ерлан' },
  { family: 'Смирнова', given: 'Ольга' },
  { family: 'Ахметова', given: 'Гульнар' },
  { family: 'Петров', given: 'Алексей' },
  { family: 'Байтурсынов', given: 'Марат' },
];

export const frenchTopics: readonly string[] = [
  'Les prisonniers soviétiques dans le Sud-Ouest', 'La Légion du Turkestan', 'Les maquis du Tarn',
  'La libération de Carmaux', 'Les Osttruppen en France', 'Le rapatriement des citoyens soviétiques',
  'Mémoires de la Résistance albigeoise', 'Les étrangers dans la Résistance', 'Les camps du Midi',
  'L\'Asie centrale dans la guerre', 'Les hôpitaux militaires de Toulouse', 'Les partisans soviétiques en France',
];

export const russianTitles: readonly string[] = [
  'Казахи во Второй мировой войне', 'Туркестанский легион: документы и материалы', 'Советские военнопленные во Франции',
  'Партизанское движение на юге Франции', 'Возвращение на родину: репатриация 1945–1946 гг.', 'Судьбы военнопленных',
  'Казахстанцы в европейском Сопротивлении', 'Из плена в Сопротивление',
];

export const kazakhTitles: readonly string[] = [
  'Екінші дүниежүзілік соғыстағы қазақтар', 'Түркістан легионы туралы жаңа деректер', 'Қазақ тұтқындарының тағдыры',
];

export const publishers: readonly { name: string; place: string }[] = [
  { name: 'Privat', place: 'Toulouse' },
  { name: 'Presses universitaires du Midi', place: 'Toulouse' },
  { name: 'Éditions du Rouergue', place: 'Rodez' },
  { name: 'Tallandier', place: 'Paris' },
  { name: 'Perrin', place: 'Paris' },
  { name: 'CNRS Éditions', place: 'Paris' },
  { name: 'Fayard', place: 'Paris' },
  { name: 'L\'Harmattan', place: 'Paris' },
];

export const russianPublishers: readonly { name: string; place: string }[] = [
  { name: 'Наука', place: 'Москва' },
  { name: 'Ғылым', place: 'Алматы' },
  { name: 'Казахстан', place: 'Алма-Ата' },
];

export const journals: readonly { title: string; language: string }[] = [
  { title: 'Revue d\'histoire de la Seconde Guerre mondiale', language: 'fr' },
  { title: 'Annales du Midi', language: 'fr' },
  { title: 'Revue du Tarn', language: 'fr' },
  { title: 'Cahiers du monde russe', language: 'fr' },
  { title: 'Vingtième Siècle', language: 'fr' },
  { title: 'Guerres mondiales et conflits contemporains', language: 'fr' },
  { title: 'Вопросы истории', language: 'ru' },
  { title: 'Отан тарихы', language: 'kk' },
];
