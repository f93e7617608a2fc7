import { resourceNames, slugOf } from "./resource-names";

describe("slugOf", () => {
  it.each([
    ["Support line", "support-line"],
    ["  Sales / EU  ", "sales-eu"],
    ['Équipe "Atención" Müller', "equipe-atencion-muller"],
    ["Служба поддержки", "служба-поддержки"],
    ["客服 1", "客服-1"],
    ["*/ `${x}` \\ \n", "x"],
    ["!!!", "instance"],
    ["", "instance"],
  ])("%j → %j", (name, slug) => {
    expect(slugOf(name)).toBe(slug);
  });

  it("keeps long names to 48 characters, without a trailing dash", () => {
    const slug = slugOf(`${"a".repeat(47)} b c`);
    expect(slug).toBe("a".repeat(47));
    expect(Array.from(slugOf("й".repeat(80)))).toHaveLength(48);
  });
});

describe("resourceNames", () => {
  it("uses the slug alone when it is unique, and adds the id where two instances share it", () => {
    const names = resourceNames([
      { id: 1003, name: "Support line" },
      { id: 1001, name: "Support line" },
      { id: 1002, name: "Sales" },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      1001: "support-line-1001",
      1002: "sales",
      1003: "support-line-1003",
    });
  });

  it("stays unique when a name looks like another's suffixed one", () => {
    const names = resourceNames([
      { id: 1001, name: "Support line 1002" },
      { id: 1002, name: "Support line" },
      { id: 1003, name: "support-line" },
    ]);
    expect(new Set(names.values()).size).toBe(3);
    expect(names.get(1001)).toBe("support-line-1002");
  });

  it("gives the same names whatever order the API lists the instances in", () => {
    const instances = [
      { id: 7, name: "A" },
      { id: 3, name: "a" },
      { id: 5, name: "B" },
    ];
    expect(Object.fromEntries(resourceNames([...instances].reverse()))).toEqual(
      Object.fromEntries(resourceNames(instances)),
    );
  });
});
