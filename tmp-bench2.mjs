import { readFileSync } from 'node:fs';
const text = readFileSync('/work/shared/peers/model/sample_request.json', 'utf8');
const bodies = Array.from({ length: 1000 }, () => JSON.parse(text));
const names = Object.keys(bodies[0]);
const map = new Map(names.map((n, i) => [n, i]));
const obj = Object.create(null); names.forEach((n, i) => (obj[n] = i));
const row = new Float64Array(names.length);
const hop = Object.prototype.hasOwnProperty;
function run(name, f) {
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 200; k++) for (const b of bodies) f(b);
    const dt = Number(process.hrtime.bigint() - t0) / 200000;
    if (r === 4) console.log(name, (dt / 1000).toFixed(3), 'us/row');
  }
}
function count(j, v) { if (typeof v !== 'number' || !Number.isFinite(v)) throw 1; row[j] = v; }
run('forin hasOwn map', (t) => { row.fill(NaN); for (const k in t) { if (!Object.hasOwn(t, k)) continue; const j = map.get(k); if (j === undefined) throw 1; count(j, t[k]); } });
run('forin hop map', (t) => { row.fill(NaN); for (const k in t) { if (!hop.call(t, k)) continue; const j = map.get(k); if (j === undefined) throw 1; count(j, t[k]); } });
run('forin t.hop map', (t) => { row.fill(NaN); for (const k in t) { if (!t.hasOwnProperty(k)) continue; const j = map.get(k); if (j === undefined) throw 1; count(j, t[k]); } });
run('forin noown map', (t) => { row.fill(NaN); for (const k in t) { const j = map.get(k); if (j === undefined) throw 1; count(j, t[k]); } });
run('forin noown obj', (t) => { row.fill(NaN); for (const k in t) { const j = obj[k]; if (j === undefined) throw 1; count(j, t[k]); } });
run('keys map', (t) => { row.fill(NaN); const ks = Object.keys(t); for (let i = 0; i < ks.length; i++) { const k = ks[i]; const j = map.get(k); if (j === undefined) throw 1; count(j, t[k]); } });
run('entries-free names loop', (t) => { for (let j = 0; j < names.length; j++) { const v = t[names[j]]; if (v === undefined) row[j] = NaN; else count(j, v); } });
