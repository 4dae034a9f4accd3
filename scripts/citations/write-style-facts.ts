/** `npm run style-facts`: writes templates/csl/style-facts.json from the shipped styles and locales (style-facts.ts). */
import { writeFileSync } from 'node:fs';
import { shippedStyleFacts, styleFactsFile, styleFactsText } from './style-facts.ts';

writeFileSync(styleFactsFile, styleFactsText(await shippedStyleFacts()));
console.log(`Wrote ${styleFactsFile}`);
