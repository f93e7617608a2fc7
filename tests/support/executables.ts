/**
 * What an executable is, read from its file headers: the format and machine it is for (ELF, Mach-O
 * 64-bit, PE32+), and the Node.js single-executable blob that scripts/pack-plugin.cjs injected, where
 * each format keeps it (an ELF note named NODE_SEA_BLOB; the NODE_SEA segment's __NODE_SEA_BLOB section
 * in Mach-O; a PE resource of that name). The platforms this machine cannot run are checked this way.
 */

export interface ExecutableFacts {
  format: "ELF 64" | "Mach-O 64" | "PE32+";
  machine: "x86-64" | "aarch64" | "other";
  /** The SEA blob's bytes, where the format says it is; undefined when there is none. */
  seaBlob: Buffer | undefined;
  /** Whether postject flipped the fuse that makes Node.js look for the blob. */
  fuseFlipped: boolean;
  /** Mach-O only: whether it has a code signature (LC_CODE_SIGNATURE). */
  signed?: boolean;
}

const SEA_RESOURCE = "NODE_SEA_BLOB";
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString("latin1");
}

/** ELF 64-bit little-endian: the machine, and the note named NODE_SEA_BLOB in a PT_NOTE segment. */
function elf(file: Buffer): ExecutableFacts {
  const machine = file.readUInt16LE(0x12);
  const phoff = Number(file.readBigUInt64LE(0x20));
  const phentsize = file.readUInt16LE(0x36);
  const phnum = file.readUInt16LE(0x38);
  let seaBlob: Buffer | undefined;
  for (let i = 0; i < phnum && seaBlob === undefined; i++) {
    const header = phoff + i * phentsize;
    if (file.readUInt32LE(header) !== 4 /* PT_NOTE */) continue;
    const start = Number(file.readBigUInt64LE(header + 8));
    const segment = file.subarray(start, start + Number(file.readBigUInt64LE(header + 32)));
    // Found by its name, whose note header sits just before it: toolchain notes (annobin's) in the
    // same segment do not all keep the 4-byte layout a walk from the start would rely on.
    const name = Buffer.from(`${SEA_RESOURCE}\0`, "latin1");
    for (let at = segment.indexOf(name); at >= 12; at = segment.indexOf(name, at + 1)) {
      if (segment.readUInt32LE(at - 12) !== name.length) continue;
      const desc = at + Math.ceil(name.length / 4) * 4;
      seaBlob = segment.subarray(desc, desc + segment.readUInt32LE(at - 8));
      break;
    }
  }
  return {
    format: "ELF 64",
    machine: machine === 0x3e ? "x86-64" : machine === 0xb7 ? "aarch64" : "other",
    seaBlob,
    fuseFlipped: file.includes(`${FUSE}:1`),
  };
}

/** Mach-O 64-bit: the CPU type, and the NODE_SEA segment's __NODE_SEA_BLOB section. */
function macho(file: Buffer): ExecutableFacts {
  const cpu = file.readUInt32LE(4);
  const commands = file.readUInt32LE(16);
  let seaBlob: Buffer | undefined;
  let signed = false;
  for (let i = 0, at = 32; i < commands; i++) {
    const cmd = file.readUInt32LE(at);
    const size = file.readUInt32LE(at + 4);
    if (cmd === 0x1d /* LC_CODE_SIGNATURE */) signed = true;
    if (cmd === 0x19 /* LC_SEGMENT_64 */ && cString(file.subarray(at + 8, at + 24)) === "NODE_SEA") {
      const sections = file.readUInt32LE(at + 64);
      for (let s = 0; s < sections; s++) {
        const section = at + 72 + s * 80;
        // Mach-O section names take the double underscore of the system's own.
        if (cString(file.subarray(section, section + 16)) !== `__${SEA_RESOURCE}`) continue;
        const length = Number(file.readBigUInt64LE(section + 40));
        const offset = file.readUInt32LE(section + 48);
        seaBlob = file.subarray(offset, offset + length);
      }
    }
    at += size;
  }
  return {
    format: "Mach-O 64",
    machine: cpu === 0x01000007 ? "x86-64" : cpu === 0x0100000c ? "aarch64" : "other",
    seaBlob,
    fuseFlipped: file.includes(`${FUSE}:1`),
    signed,
  };
}

/**
 * PE32+: the machine, and the resource named NODE_SEA_BLOB (RCDATA). The resource directory is walked
 * from the .rsrc section: type → name → language → data entry.
 */
function pe(file: Buffer): ExecutableFacts {
  const header = file.readUInt32LE(0x3c);
  const machine = file.readUInt16LE(header + 4);
  const sectionCount = file.readUInt16LE(header + 6);
  const optionalSize = file.readUInt16LE(header + 20);
  const optional = header + 24;
  if (file.readUInt16LE(optional) !== 0x20b) throw new Error("not a PE32+ optional header");
  const sections = Array.from({ length: sectionCount }, (_, i) => {
    const at = optional + optionalSize + i * 40;
    return {
      name: cString(file.subarray(at, at + 8)),
      virtualAddress: file.readUInt32LE(at + 12),
      rawOffset: file.readUInt32LE(at + 20),
    };
  });
  const rsrc = sections.find((section) => section.name === ".rsrc");
  let seaBlob: Buffer | undefined;
  if (rsrc !== undefined) {
    const base = rsrc.rawOffset;
    const entries = (directory: number) => {
      const count = file.readUInt16LE(base + directory + 12) + file.readUInt16LE(base + directory + 14);
      return Array.from({ length: count }, (_, i) => {
        const at = base + directory + 16 + i * 8;
        const nameField = file.readUInt32LE(at);
        const target = file.readUInt32LE(at + 4);
        let name: string | number = nameField;
        if (nameField & 0x80000000) {
          const string = base + (nameField & 0x7fffffff);
          name = file.subarray(string + 2, string + 2 + file.readUInt16LE(string) * 2).toString("utf16le");
        }
        return { name, isDirectory: (target & 0x80000000) !== 0, offset: target & 0x7fffffff };
      });
    };
    const rcdata = entries(0).find((entry) => entry.name === 10 && entry.isDirectory);
    const named = rcdata && entries(rcdata.offset).find((entry) => entry.name === SEA_RESOURCE);
    const language = named?.isDirectory ? entries(named.offset)[0] : undefined;
    if (language !== undefined && !language.isDirectory) {
      const dataRva = file.readUInt32LE(base + language.offset);
      const size = file.readUInt32LE(base + language.offset + 4);
      const offset = dataRva - rsrc.virtualAddress + rsrc.rawOffset;
      seaBlob = file.subarray(offset, offset + size);
    }
  }
  return {
    format: "PE32+",
    machine: machine === 0x8664 ? "x86-64" : machine === 0xaa64 ? "aarch64" : "other",
    seaBlob,
    fuseFlipped: file.includes(`${FUSE}:1`),
  };
}

export function executableFacts(file: Buffer): ExecutableFacts {
  if (file.readUInt32BE(0) === 0x7f454c46) {
    if (file[4] !== 2 || file[5] !== 1) throw new Error("an ELF file, but not 64-bit little-endian");
    return elf(file);
  }
  if (file.readUInt32LE(0) === 0xfeedfacf) return macho(file);
  if (file.toString("latin1", 0, 2) === "MZ") return pe(file);
  throw new Error(`not an executable this check knows: starts with ${file.subarray(0, 4).toString("hex")}`);
}
