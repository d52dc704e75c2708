#!/usr/bin/env node
// Cross-checks schema/host-profile.schema.json (JSON Schema 2020-12) against
//  (a) the example profile repository: every examples/profiles/{hosts,common}/*.yaml
//      must be valid;
//  (b) the bad-profile corpus: every tests/bad/**/*.yaml declares, in its
//      leading comment lines, what the schema must make of it:
//        # schema: reject   ajv must reject it (the C validator rejects it too)
//        # schema: accept   a rule JSON Schema cannot express (cross-references,
//                           subnets, MTU ordering, ...): ajv must accept it, so
//                           only hostnet catches it
//        # schema: skip     not checked here (YAML syntax errors, duplicate
//                           keys, tags, size limits, missing extends files:
//                           nothing for ajv to judge)
//      Text may follow the keyword ("# schema: skip - duplicate key").
//      A file without exactly one such line fails.
//
// Output: TAP (plan at the end) by default; with --lines, one record per line
// for tests/schema.sh, which numbers them through tests/lib.sh:
//   ok<TAB>description
//   not_ok<TAB>description
//   detail<TAB>text        (belongs to the not_ok before it)
//
// Options: --root DIR (repository root; default: two levels up from here),
//          --examples DIR, --bad DIR (override examples/profiles and tests/bad;
//          relative to the current directory).  Exit status 0 when all passed.
//
// YAML is read the way hostnet reads it (see "YAML, read as hostnet reads
// it" below, and "Scalars" in schema/README.md): YAML 1.1 types for plain
// scalars, plain decimal integers only, "<<" not special, no tag but !!str.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));

// --- arguments -------------------------------------------------------------

const args = process.argv.slice(2);
let root = path.resolve(here, '..', '..');
let examplesDir = null;
let badDir = null;
let linesMode = false;
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	const value = () => {
		if (i + 1 >= args.length) usage(`${a} needs a value`);
		return args[++i];
	};
	if (a === '--lines') linesMode = true;
	else if (a === '--root') root = path.resolve(value());
	else if (a === '--examples') examplesDir = path.resolve(value());
	else if (a === '--bad') badDir = path.resolve(value());
	else if (a === '-h' || a === '--help') usage(null);
	else usage(`unknown argument: ${a}`);
}
examplesDir ??= path.join(root, 'examples', 'profiles');
badDir ??= path.join(root, 'tests', 'bad');
const schemaPath = path.join(root, 'schema', 'host-profile.schema.json');

function usage(err) {
	const text = 'usage: node check.mjs [--lines] [--root DIR] [--examples DIR] [--bad DIR]\n';
	if (err) {
		process.stderr.write(`check.mjs: ${err}\n${text}`);
		process.exit(2);
	}
	process.stdout.write(text);
	process.exit(0);
}

// --- output ----------------------------------------------------------------

let n = 0;
let failed = 0;

function ok(desc) {
	n++;
	console.log(linesMode ? `ok\t${oneLine(desc)}` : `ok ${n} - ${oneLine(desc)}`);
}

function notOk(desc, details = []) {
	n++;
	failed++;
	console.log(linesMode ? `not_ok\t${oneLine(desc)}` : `not ok ${n} - ${oneLine(desc)}`);
	for (const d of details)
		for (const line of String(d).split('\n'))
			console.log(linesMode ? `detail\t${line}` : `# ${line}`);
}

function done() {
	if (!linesMode) console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
}

// A description must stay on one line and must not start a TAP directive
// by accident ('#' is only ours to add, for SKIP).
function oneLine(s) {
	return String(s).replace(/[\r\n\t]+/g, ' ');
}

const rel = (file) => path.relative(root, file) || file;

// --- YAML, read as hostnet reads it ------------------------------------------
//
// The yaml package parses (YAML 1.1 syntax, failsafe schema: every scalar
// stays text, merge keys off, duplicate keys an error); the typing is done
// here, as a port of reconciler/ydoc.c and conv_plain_type() in
// reconciler/conv.c, so ajv sees what hostnet's reader sees:
//   - a quoted or block scalar, or one tagged !!str: a string;
//   - a plain scalar, by its YAML 1.1 type:
//       null   ~ null Null NULL, empty                    -> null
//       bool   y Y yes Yes YES n N no No NO true True TRUE false False FALSE
//              on On ON off Off OFF                       -> true / false
//       int    plain decimal [0-9]+ without leading zeros  -> a number
//              any other YAML 1.1 integer: sign, 0x.., 0b.., 0.. (octal),
//              1_000, base 60 (1:30, 52:54:00:12:34:56)    -> REJECTED
//       float  YAML 1.1 float (one dot: 1.5, 1.5e3, .inf)  -> REJECTED
//       other                                              -> a string
//     REJECTED is NaN: hostnet refuses these everywhere (a string key says
//     "quote it", an integer key wants plain decimal), and NaN is neither a
//     string, an integer, an object nor any enum value, so ajv refuses it
//     wherever it stands;
//   - any other tag, a non-scalar key, an alias to nothing: not loadable.
// Mapping keys are their text, as hostnet compares them.

const YAML_OPTIONS = {
	version: '1.1',
	schema: 'failsafe',
	merge: false,
	uniqueKeys: true,
	prettyErrors: true,
};

const BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
	'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
// is_yaml11_int(): sign, then hex, binary, octal (a leading 0), or decimal
// with '_' and base-60 groups ([0-5]?[0-9] after each ':').
const YAML11_INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*(?::[0-5]?[0-9])*)$/;
// is_yaml11_float(): .inf/.nan, or digits and '_' with exactly one '.' and
// at least one digit, then an optional exponent with digits.
const YAML11_FLOAT = /^[-+]?(?:\.(?:inf|Inf|INF|nan|NaN|NAN)|(?=[0-9_]*\.[0-9_]*(?:[eE]|$))(?=[._]*[0-9])[0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?)$/;
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,18})$/;
const REJECTED = NaN;

function plainType(s) {
	if (NULLS.has(s)) return 'null';
	if (BOOLS.has(s)) return 'bool';
	if (YAML11_INT.test(s)) return 'int';
	if (YAML11_FLOAT.test(s)) return 'float';
	return 'str';
}

function plainValue(s) {
	switch (plainType(s)) {
	case 'null': return null;
	case 'bool': return TRUES.has(s);
	case 'int': return PLAIN_DECIMAL.test(s) ? Number(s) : REJECTED;
	case 'float': return REJECTED;
	default: return s;
	}
}

const MAX_DEPTH = 64;             // YDOC_MAX_DEPTH
const MAX_ALIAS_NODES = 100000;   // nodes made by expanding aliases

class LoadError extends Error {}

function convert(doc, node, depth, budget) {
	if (node === null || node === undefined) return null;   // an empty value
	if (YAML.isAlias(node)) {
		const target = node.resolve(doc);
		if (!target) throw new LoadError(`alias *${node.source} to no anchor`);
		budget.alias = true;
		const v = convert(doc, target, depth, budget);
		budget.alias = false;
		return v;
	}
	if (budget.alias && ++budget.aliasNodes > MAX_ALIAS_NODES)
		throw new LoadError(`more than ${MAX_ALIAS_NODES} nodes made by expanding aliases`);
	const tag = node.tag;
	if (YAML.isScalar(node)) {
		if (tag && tag !== 'tag:yaml.org,2002:str') throw new LoadError(`YAML tags are not supported ('${tag}')`);
		const text = String(node.value);
		if (tag || node.type !== 'PLAIN') return text;
		return plainValue(text);
	}
	if (tag) throw new LoadError(`YAML tags are not supported ('${tag}')`);
	if (depth >= MAX_DEPTH) throw new LoadError(`nested deeper than ${MAX_DEPTH}`);
	if (YAML.isSeq(node)) return node.items.map((it) => convert(doc, it, depth + 1, budget));
	if (YAML.isMap(node)) {
		const entries = [];
		for (const pair of node.items) {
			let key = pair.key;
			if (YAML.isAlias(key)) key = key.resolve(doc);
			if (!YAML.isScalar(key)) throw new LoadError('a mapping key that is not a scalar');
			if (key.tag && key.tag !== 'tag:yaml.org,2002:str') throw new LoadError(`YAML tags are not supported ('${key.tag}')`);
			entries.push([String(key.value), convert(doc, pair.value, depth + 1, budget)]);
		}
		return Object.fromEntries(entries);   // own properties, even "__proto__"
	}
	throw new LoadError(`unexpected YAML node ${node?.constructor?.name}`);
}

// Returns { value } or { errors: [...] }.
function loadYaml(text) {
	let doc;
	try {
		doc = YAML.parseDocument(text, YAML_OPTIONS);
	} catch (e) {
		return { errors: [e.message] };
	}
	// Warnings are errors too: an unresolved tag is one, and hostnet refuses tags.
	const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
	if (problems.length) return { errors: problems };
	try {
		return { value: convert(doc, doc.contents, 0, { alias: false, aliasNodes: 0 }) };
	} catch (e) {
		if (e instanceof LoadError || e instanceof RangeError) return { errors: [e.message] };
		throw e;
	}
}

// --- the schema --------------------------------------------------------------

let schema;
let validate;
let ajv;
try {
	schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
	ajv = new Ajv2020({ strict: true, allErrors: true });
	// yaml-language-server's message for a failed `pattern`: an annotation,
	// the one keyword the schema uses beyond the standard vocabulary.
	ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
	validate = ajv.compile(schema);
	ok(`${rel(schemaPath)} compiles with Ajv2020 in strict mode`);
} catch (e) {
	notOk(`${rel(schemaPath)} compiles with Ajv2020 in strict mode`, [e.message]);
	done();
}

function ajvErrors(errors) {
	return (errors ?? []).map((e) => {
		const where = e.instancePath || '/';
		const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
		return `${where}: ${e.message}${extra}`;
	});
}

// The shared patterns, pinned to values whose fate is known (inet_pton(3),
// the kernel's dev_valid_name(), addr_parse_mac()...), so that an edit to a
// pattern that changes what it accepts shows up here first.
const PATTERN_CASES = {
	ifname: {
		accept: ['eth9', 'vs0', 'ens1f0', 'a', 'abcdefghijklmno', 'br-lan.10', '...', 'x@y'],
		reject: ['', '.', '..', 'abcdefghijklmnop', 'a/b', 'a:b', 'a b', 'a\tb', 'eth%d', 'ethé'],
	},
	adapterName: {
		accept: ['vmk0', 'abcdefghijklmn'],
		reject: ['abcdefghijklmno', '.', 'vmk 0'],
	},
	stackName: {
		accept: ['default', 'vmotion', 'provisioning', 'storage_a-1', 'abcdefghijklmno'],
		reject: ['', 'Default', 'abcdefghijklmnop', 'v.motion', 'a b'],
	},
	portgroupName: {
		accept: ['Management Network', 'vMotion', 'VM Network 2', 'ä'.repeat(64)],
		reject: ['', 'x'.repeat(65), 'tab\there', 'new\nline'],
	},
	repoPath: {
		accept: ['common/site-a.yaml', 'site.yaml', 'a/b/c.yaml', '...', '.hidden/x.yaml', 'a..b/c', './a.yaml', 'a/./b'],
		reject: ['', '/etc/passwd', '../x.yaml', 'a/../b.yaml', 'a/..', '..', 'a//b', 'a/'],
	},
	ipv4Address: {
		accept: ['0.0.0.0', '192.0.2.1', '255.255.255.255', '10.0.0.9', '198.51.100.199'],
		reject: ['256.0.0.1', '192.0.2', '192.0.2.1.5', '01.2.3.4', '192.0.2.01', '1.2.3.4/32', ' 1.2.3.4', '1.2.3.4 '],
	},
	ipv6Address: {
		accept: ['::', '::1', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', 'fe80::1', '::ffff:192.0.2.1',
			'1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:192.0.2.1', '0000:0:0::'],
		reject: ['', ':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'fe80::1%eth9', '2001:db8::/64',
			'::ffff:192.0.2.01', '1:2:3:4:5:6:7:192.0.2.1', 'g::1'],
	},
	ipv4Cidr: {
		accept: ['192.0.2.10/24', '0.0.0.0/0', '203.0.113.1/32', '198.51.100.0/9'],
		reject: ['192.0.2.10', '192.0.2.10/33', '192.0.2.10/024', '192.0.2.10/+8', '192.0.2.10/', '2001:db8::1/64'],
	},
	ipv6Cidr: {
		accept: ['2001:db8::1/64', '::/0', '2001:db8::/128', 'fe80::1/10'],
		reject: ['2001:db8::1', '2001:db8::1/129', '2001:db8::1/064', '192.0.2.1/24'],
	},
	mtu: { accept: [68, 1500, 9000, 65535], reject: [67, 65536, 1500.5, '1500'] },
};

// MAC and table are not $defs of their own; test them through the objects.
const MAC_CASES = {
	accept: ['auto', '02:00:5e:10:00:01', '02-00-5E-10-00-01', 'aa:bb:cc:dd:ee:ff', '52:54:00:12:34:56'],
	reject: ['Auto', '01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', '00-00-00-00-00-00',
		'02:00:5e:10:00', '02:00-5e:10:00:01', '0200.5e10.0001', '02:00:5e:10:00:01:02', '2:0:5e:10:0:1'],
};

function checkPatterns() {
	const id = schema.$id;
	const bad = [];
	for (const [def, cases] of Object.entries(PATTERN_CASES)) {
		const v = ajv.getSchema(`${id}#/$defs/${def}`);
		if (!v) {
			bad.push(`$defs/${def} is missing`);
			continue;
		}
		for (const x of cases.accept) if (!v(x)) bad.push(`$defs/${def} rejects ${JSON.stringify(x)}`);
		for (const x of cases.reject) if (v(x)) bad.push(`$defs/${def} accepts ${JSON.stringify(x)}`);
	}
	const vAdapter = ajv.getSchema(`${id}#/$defs/adapter`);
	for (const mac of MAC_CASES.accept)
		if (!vAdapter({ name: 'vmk0', mac })) bad.push(`adapter mac rejects ${JSON.stringify(mac)}`);
	for (const mac of MAC_CASES.reject)
		if (vAdapter({ name: 'vmk0', mac })) bad.push(`adapter mac accepts ${JSON.stringify(mac)}`);
	const vStack = ajv.getSchema(`${id}#/$defs/stack`);
	for (const table of [1, 100, 252, 256, 4294967295])
		if (!vStack({ name: 's', table })) bad.push(`stack table rejects ${table}`);
	for (const table of [0, 253, 254, 255, 4294967296, -1])
		if (vStack({ name: 's', table })) bad.push(`stack table accepts ${table}`);

	// The YAML reading that hostnet's reader (ydoc.c, conv.c) shares.
	const NAN = REJECTED;
	const scalars = loadYaml([
		'a: yes', 'b: 0x10', 'c: 1e3', 'd: 010', 'e: ~', 'f: 9000', 'g: -5', 'h: 52:54:00:12:34:56',
		'i: "10"', 'j: Off', 'k: 1_000', 'l:', 'm: 1.5', 'n: !!str 10', 'o: 192.0.2.1', 'p: 2001:db8::1',
		'q: 00:11:22:33:44:55', 'r: 12:30', 's: 0', 't: .inf', 'u: 1.2.3', 'v: +5', "w: 'yes'", 'x: |\n  1\n',
		'y: 02:00:5e:10:00:01', 'z: 1.5e3',
	].join('\n') + '\n');
	const want = {
		a: true, b: NAN, c: '1e3', d: NAN, e: null, f: 9000, g: NAN, h: NAN, i: '10', j: false, k: NAN,
		l: null, m: NAN, n: '10', o: '192.0.2.1', p: '2001:db8::1', q: '00:11:22:33:44:55', r: NAN, s: 0,
		t: NAN, u: '1.2.3', v: NAN, w: 'yes', x: '1\n', y: '02:00:5e:10:00:01', z: NAN,
	};
	if (scalars.errors) bad.push(...scalars.errors);
	else
		for (const [k, w] of Object.entries(want))
			if (!Object.is(scalars.value[k], w))
				bad.push(`YAML scalar ${k}: read as ${String(scalars.value[k])}, want ${String(w)}`);
	const merge = loadYaml('a: &x {b: 1}\nc:\n  <<: *x\n');
	if (merge.errors || !Object.hasOwn(merge.value.c, '<<')) bad.push('YAML "<<" is treated as a merge key');
	if (!loadYaml('a: 1\na: 2\n').errors) bad.push('YAML duplicate keys are accepted');
	if (!loadYaml('a: 1\n"a": 2\n').errors) bad.push('YAML duplicate keys (one quoted) are accepted');
	if (!loadYaml('a: 1\n---\nb: 2\n').errors) bad.push('YAML with two documents is accepted');
	if (!loadYaml('a: !!int 5\n').errors) bad.push('YAML tag !!int is accepted');
	if (!loadYaml('a: !!str [x]\n').errors) bad.push('YAML tag !!str on a sequence is accepted');
	if (!loadYaml('a: [x]\n? [k]\n: v\n').errors) bad.push('a YAML sequence as a mapping key is accepted');
	const alias = loadYaml('a: &x [1, 2]\nb: *x\n');
	if (alias.errors || alias.value.b.length !== 2) bad.push('YAML aliases are not expanded');

	if (bad.length) notOk('schema patterns and YAML scalar reading match the pinned cases', bad);
	else ok('schema patterns and YAML scalar reading match the pinned cases');
}

checkPatterns();

// --- files -------------------------------------------------------------------

function yamlFilesIn(dir, recursive) {
	let entries;
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch (e) {
		if (e.code === 'ENOENT') return [];
		throw e;
	}
	const out = [];
	for (const e of entries) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) {
			if (recursive) out.push(...yamlFilesIn(p, true));
		} else if (/\.ya?ml$/.test(e.name)) {
			out.push(p);
		}
	}
	return out.sort();
}

function readUtf8(file) {
	return fs.readFileSync(file, 'utf8');
}

// (a) examples
const examples = ['hosts', 'common'].flatMap((d) => yamlFilesIn(path.join(examplesDir, d), false));
if (examples.length === 0)
	notOk(`example profiles found under ${rel(examplesDir)}/{hosts,common}`);
for (const file of examples) {
	const desc = `example ${rel(file)} is valid`;
	const y = loadYaml(readUtf8(file));
	if (y.errors) {
		notOk(desc, ['YAML:', ...y.errors]);
		continue;
	}
	if (validate(y.value)) ok(desc);
	else notOk(desc, ajvErrors(validate.errors));
}

// (b) the bad corpus
const HEADER = /^#\s*schema:\s*(\S+)(.*)$/;

// The leading block of comment (and blank) lines.
function headerExpectations(text) {
	const found = [];
	for (const line of text.split(/\r?\n/)) {
		if (/^\s*$/.test(line)) continue;
		if (!line.startsWith('#')) break;
		const m = HEADER.exec(line);
		if (m) found.push({ what: m[1], note: m[2].replace(/^\s*[-:(]?\s*/, '').replace(/\)\s*$/, '').trim() });
	}
	return found;
}

for (const file of yamlFilesIn(badDir, true)) {
	const name = rel(file);
	const text = readUtf8(file);
	const h = headerExpectations(text);
	if (h.length !== 1 || !['reject', 'accept', 'skip'].includes(h[0].what)) {
		notOk(`${name}: has one "# schema: reject|accept|skip" header line`, [
			h.length ? `found: ${h.map((x) => x.what).join(', ')}` : 'found none in the leading comment lines',
		]);
		continue;
	}
	const { what, note } = h[0];
	if (what === 'skip') {
		// What is checked here is the header itself; the file is not one
		// ajv can read the way hostnet does.
		ok(`${name}: marked as not for the schema${note ? ` (${note})` : ''}`);
		continue;
	}
	const y = loadYaml(text);
	if (y.errors) {
		notOk(`${name}: schema must ${what} it`, [
			'the YAML did not load, so ajv never saw it (mark it "# schema: skip" if that is the point):',
			...y.errors,
		]);
		continue;
	}
	const valid = validate(y.value);
	if (what === 'reject') {
		if (!valid) ok(`${name}: schema rejects it`);
		else notOk(`${name}: schema rejects it`, ['ajv accepted a file marked "# schema: reject"']);
	} else {
		if (valid) ok(`${name}: schema accepts it (only hostnet rejects it)`);
		else
			notOk(`${name}: schema accepts it (only hostnet rejects it)`, [
				'ajv rejected a file marked "# schema: accept":',
				...ajvErrors(validate.errors),
			]);
	}
}

done();
