/** Walk a cursor-paginated list page by page until the cursor runs out. */
export async function* paginate<Page, Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[],
  nextCursorOf: (page: Page) => string | null | undefined,
): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    yield* itemsOf(page);
    const next = nextCursorOf(page);
    // A server that hands back a cursor it gave before would loop forever.
    if (!next || seen.has(next)) return;
    seen.add(next);
    cursor = next;
  }
}
