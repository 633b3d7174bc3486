/**
 * The CS2Cap sandbox's catalog (reference/cs2cap.md §6.4): the attributes `GET /v1/items`
 * filters on, derived from each item's market hash name by fixed rules (so a test can tell
 * which items a filter must return), the catalog metadata, and the game images.
 */
import { wearOf } from '../../src/testkit/items.js';

/** One catalog entry, as `ItemOut` carries it. */
export interface SandboxCatalogItem {
  item_id: number;
  market_hash_name: string;
  phase: null;
  item_type: string;
  item_subtype: string | null;
  weapon_type: string | null;
  base_name: string;
  skin_name: string | null;
  wear_name: string | null;
  rarity_name: string;
  rarity_color: string;
  is_stattrak: boolean;
  is_souvenir: boolean;
  image_url: string;
}

const WEAPON_TYPES: Record<string, string> = {
  'AK-47': 'Assault Rifle', M4A4: 'Assault Rifle', 'M4A1-S': 'Assault Rifle', 'Galil AR': 'Assault Rifle', FAMAS: 'Assault Rifle', 'SG 553': 'Assault Rifle',
  AWP: 'Sniper Rifle', 'SSG 08': 'Sniper Rifle',
  'Desert Eagle': 'Pistol', 'USP-S': 'Pistol', 'Glock-18': 'Pistol', P250: 'Pistol', 'Five-SeveN': 'Pistol',
  'MAC-10': 'SMG', MP9: 'SMG', 'UMP-45': 'SMG', P90: 'SMG',
};
/** Rarity colours of the rarities the sandbox uses (Steam's own hex codes). */
const RARITY_COLOR: Record<string, string> = { 'Base Grade': 'b0c3d9', 'Mil-Spec Grade': '4b69ff', Restricted: '8847ff', Classified: 'd32ce6', Covert: 'eb4b4b', Extraordinary: 'eb4b4b', Exotic: '8847ff', 'High Grade': '4b69ff' };
const SKIN_RARITIES = ['Mil-Spec Grade', 'Restricted', 'Classified', 'Covert'] as const;

/**
 * The attributes of one item. Rules: `Sticker | …` is a Sticker (Exotic when Foil or Holo,
 * else High Grade); a name ending in `Case` is a Crate (Base Grade); everything else is a
 * Weapon: `★ … Gloves` Wearable (Extraordinary), other `★` Knife (Covert), else the weapon
 * class of its base name; a weapon skin's rarity is `SKIN_RARITIES[name length % 4]`.
 */
export function catalogItem(itemId: number, name: string): SandboxCatalogItem {
  const isStattrak = name.includes('StatTrak™');
  const isSouvenir = name.startsWith('Souvenir ');
  const [head = name, ...rest] = name.split(' | ');
  const base = head.replace(/^★ /, '').replace(/^StatTrak™ /, '').replace(/^Souvenir /, '');
  const skin = rest.length ? rest.join(' | ').replace(/ \((Factory New|Minimal Wear|Field-Tested|Well-Worn|Battle-Scarred)\)$/, '') : null;
  let itemType = 'Weapon';
  let subtype: string | null = null;
  let weaponType: string | null = WEAPON_TYPES[base] ?? null;
  let rarity: string = SKIN_RARITIES[name.length % SKIN_RARITIES.length]!;
  if (head === 'Sticker') {
    itemType = 'Sticker';
    weaponType = null;
    rarity = /\((Foil|Holo)\)/.test(name) ? 'Exotic' : 'High Grade';
  } else if (/ Case$/.test(name)) {
    itemType = 'Crate';
    subtype = 'Weapon Case';
    weaponType = null;
    rarity = 'Base Grade';
  } else if (name.startsWith('★')) {
    weaponType = / Gloves$/.test(base) ? 'Wearable' : 'Knife';
    rarity = weaponType === 'Wearable' ? 'Extraordinary' : 'Covert';
  }
  return {
    item_id: itemId, market_hash_name: name, phase: null, item_type: itemType, item_subtype: subtype, weapon_type: weaponType, base_name: base, skin_name: skin,
    wear_name: wearOf(name), rarity_name: rarity, rarity_color: RARITY_COLOR[rarity] ?? 'b0c3d9', is_stattrak: isStattrak, is_souvenir: isSouvenir,
    image_url: `https://cdn.cs2c.app/images/items/${itemId}.png`,
  };
}

/** Whether an item passes the `GET /v1/items` filters of a query (exact matches are case-insensitive, as documented). */
export function matchesItemFilters(item: SandboxCatalogItem, query: URLSearchParams): boolean {
  const same = (a: string | null, b: string | null): boolean => b === null || (a !== null && a.toLowerCase() === b.toLowerCase());
  const flag = (value: boolean, raw: string | null): boolean => raw === null || value === (raw === 'true');
  const q = query.get('q')?.toLowerCase();
  const itemId = query.get('item_id');
  return (
    (!q || item.market_hash_name.toLowerCase().includes(q)) &&
    (itemId === null || item.item_id === Number(itemId)) &&
    same(item.market_hash_name, query.get('market_hash_name')) &&
    same(item.item_type, query.get('item_type')) &&
    same(item.item_subtype, query.get('item_subtype')) &&
    same(item.weapon_type, query.get('weapon_type')) &&
    same(item.wear_name, query.get('wear_name')) &&
    same(item.phase, query.get('phase')) &&
    same(item.rarity_name, query.get('rarity_name')) &&
    same(item.rarity_color, query.get('rarity_color')) &&
    same(item.base_name, query.get('base_name')) &&
    same(item.skin_name, query.get('skin_name')) &&
    // The sandbox has no collections, crates or styles: a filter on one matches nothing.
    query.get('collection') === null &&
    query.get('style_name') === null &&
    query.getAll('crates').length === 0 &&
    flag(item.is_stattrak, query.get('is_stattrak')) &&
    flag(item.is_souvenir, query.get('is_souvenir'))
  );
}

/** `GET /v1/items/metadata`: the catalog's size and the distinct values of each filter. */
export function catalogMetadata(items: readonly SandboxCatalogItem[]): Record<string, unknown> {
  const distinct = (pick: (i: SandboxCatalogItem) => string | null): string[] => [...new Set(items.map(pick).filter((v): v is string => v !== null))].sort();
  return {
    catalog: { total_items: items.length },
    filters: {
      item_type: distinct((i) => i.item_type), item_subtype: distinct((i) => i.item_subtype), weapon_type: distinct((i) => i.weapon_type), wear_name: distinct((i) => i.wear_name),
      phase: distinct((i) => i.phase), collection: [], rarity_name: distinct((i) => i.rarity_name), rarity_color: distinct((i) => i.rarity_color), style_name: [],
    },
  };
}

/** `GET /v1/images`: image URLs by category display name, in the format asked (png or webp). */
export function gameImages(items: readonly SandboxCatalogItem[], format: string): Record<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const i of items) byType.set(i.item_type, [...(byType.get(i.item_type) ?? []), `https://cdn.cs2c.app/images/${format}/items/${i.item_id}.${format}`]);
  return Object.fromEntries([...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, urls]) => [`${type}s`, urls]));
}
