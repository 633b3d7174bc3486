/** Real CS2 item names the sandboxes price. */
export const CS2_ITEMS: readonly string[] = [
  'AK-47 | Redline (Field-Tested)',
  'AK-47 | Redline (Minimal Wear)',
  'AK-47 | Vulcan (Factory New)',
  'AK-47 | Asiimov (Field-Tested)',
  'AK-47 | Fire Serpent (Field-Tested)',
  'AK-47 | Case Hardened (Minimal Wear)',
  'AK-47 | Bloodsport (Factory New)',
  'AK-47 | Neon Rider (Minimal Wear)',
  'StatTrak™ AK-47 | Redline (Field-Tested)',
  'AWP | Asiimov (Field-Tested)',
  'AWP | Dragon Lore (Field-Tested)',
  'AWP | Hyper Beast (Minimal Wear)',
  'AWP | Lightning Strike (Factory New)',
  'AWP | Neo-Noir (Field-Tested)',
  'AWP | Containment Breach (Well-Worn)',
  'StatTrak™ AWP | Asiimov (Battle-Scarred)',
  'Souvenir AWP | Dragon Lore (Battle-Scarred)',
  'M4A4 | Howl (Field-Tested)',
  'M4A4 | Asiimov (Field-Tested)',
  'M4A4 | The Emperor (Minimal Wear)',
  'M4A1-S | Hyper Beast (Field-Tested)',
  'M4A1-S | Printstream (Minimal Wear)',
  'M4A1-S | Knight (Factory New)',
  'M4A1-S | Golden Coil (Minimal Wear)',
  'Desert Eagle | Blaze (Factory New)',
  'Desert Eagle | Printstream (Field-Tested)',
  'Desert Eagle | Code Red (Minimal Wear)',
  'USP-S | Kill Confirmed (Minimal Wear)',
  'USP-S | Orion (Factory New)',
  'USP-S | The Traitor (Field-Tested)',
  'Glock-18 | Fade (Factory New)',
  'Glock-18 | Water Elemental (Minimal Wear)',
  'Glock-18 | Gamma Doppler (Factory New)',
  'P250 | Asiimov (Field-Tested)',
  'Five-SeveN | Case Hardened (Field-Tested)',
  'MAC-10 | Neon Rider (Factory New)',
  'MP9 | Starlight Protector (Minimal Wear)',
  'UMP-45 | Primal Saber (Field-Tested)',
  'P90 | Asiimov (Field-Tested)',
  'SSG 08 | Dragonfire (Factory New)',
  'Galil AR | Chatterbox (Field-Tested)',
  'FAMAS | Mecha Industries (Minimal Wear)',
  'SG 553 | Integrale (Minimal Wear)',
  '★ Karambit | Doppler (Factory New)',
  '★ Karambit | Fade (Factory New)',
  '★ Butterfly Knife | Tiger Tooth (Factory New)',
  '★ M9 Bayonet | Crimson Web (Field-Tested)',
  '★ Bayonet | Marble Fade (Factory New)',
  '★ Talon Knife | Slaughter (Minimal Wear)',
  '★ Skeleton Knife | Case Hardened (Field-Tested)',
  '★ StatTrak™ Flip Knife | Lore (Minimal Wear)',
  '★ Sport Gloves | Pandora\'s Box (Field-Tested)',
  '★ Specialist Gloves | Crimson Kimono (Minimal Wear)',
  '★ Driver Gloves | King Snake (Field-Tested)',
  'Operation Breakout Weapon Case',
  'Kilowatt Case',
  'Sticker | Crown (Foil)',
  'Sticker | Titan (Holo) | Katowice 2014',
  'Sealed Graffiti | Lambda (Tracer Yellow)',
];

/** The wear of an item name, if it has one. */
export function wearOf(name: string): string | null {
  const m = /\((Factory New|Minimal Wear|Field-Tested|Well-Worn|Battle-Scarred)\)$/.exec(name);
  return m ? m[1]! : null;
}

/** A base price in cents for an item, so prices look like the real market's order of magnitude. */
export function basePriceCents(name: string, rand: () => number): number {
  const tier = name.startsWith('★') ? 40_000 : /Dragon Lore|Howl|Fire Serpent|Titan/.test(name) ? 150_000 : /Case$|Graffiti|Sticker \| Crown/.test(name) ? 150 : 2_500;
  return Math.round(tier * (0.6 + rand() * 0.8));
}
