/**
 * Pulumi resource names for discovered instances. A resource name becomes part of the resource's URN,
 * and a changed URN makes `pulumi up` delete one resource and create another, so the names must be
 * deterministic: the same account always yields the same names.
 */

/** Longest slug kept from an instance name, in characters (the id suffix comes on top). */
const MAX_SLUG_LENGTH = 48;

/**
 * A readable slug of an instance name: accents folded ("Atención" → "atencion"), letters of any
 * script kept, everything else collapsed into single dashes; "instance" when nothing is left.
 */
export function slugOf(instanceName: string): string {
  const slug = instanceName
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-");
  const trimmed = Array.from(slug.replace(/^-+|-+$/g, ""))
    .slice(0, MAX_SLUG_LENGTH)
    .join("")
    .replace(/-+$/, "");
  return trimmed === "" ? "instance" : trimmed;
}

/**
 * One unique resource name per instance: its slug when no other instance of the account has the same
 * one, otherwise the slug and the instance id ("support-line-1001", "support-line-1002"). Ids are
 * unique, so the result is too; the loop only guards against a name that happens to look like
 * another's suffixed one ("Support line 1002").
 */
export function resourceNames(instances: readonly { id: number; name: string }[]): Map<number, string> {
  const byId = [...instances].sort((a, b) => a.id - b.id);
  const slugCounts = new Map<string, number>();
  for (const { name } of byId) slugCounts.set(slugOf(name), (slugCounts.get(slugOf(name)) ?? 0) + 1);

  const names = new Map<number, string>();
  const taken = new Set<string>();
  for (const { id, name } of byId) {
    const slug = slugOf(name);
    let candidate = (slugCounts.get(slug) ?? 0) > 1 ? `${slug}-${id}` : slug;
    while (taken.has(candidate)) candidate = `${candidate}-${id}`;
    taken.add(candidate);
    names.set(id, candidate);
  }
  return names;
}
