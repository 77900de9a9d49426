/**
 * Feature derivation for the Sparkov simulated card transactions: identifiers dropped, and the
 * features an analyst reads — amount, merchant category, gender, city population, customer age
 * at the transaction, hour and weekday, and the distance between customer and merchant.
 * Used to build the bundled demo data and the parity benchmarks on the full files.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
export const SPARKOV_DERIVED_COLUMNS = [
    'trans_time',
    'amt',
    'category',
    'gender',
    'city_pop',
    'age',
    'hour',
    'day_of_week',
    'distance_km',
    'is_fraud',
];
const EARTH_RADIUS_KM = 6371.0088;
function haversineKm(lat1, lon1, lat2, lon2) {
    const rad = Math.PI / 180;
    const dLat = (lat2 - lat1) * rad;
    const dLon = (lon2 - lon1) * rad;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
/** Reads a Sparkov CSV(.gz), writes the derived CSV(.gz); returns rows written and frauds. */
export async function deriveSparkov(input, output, options = {}) {
    const every = options.every ?? 1;
    const offset = options.offset ?? 0;
    const source = createReadStream(input);
    const parser = parse({ columns: true, bom: true });
    (input.endsWith('.gz') ? source.pipe(createGunzip()) : source).pipe(parser);
    const file = createWriteStream(output);
    const sink = output.endsWith('.gz') ? createGzip({ level: 9 }) : null;
    if (sink)
        sink.pipe(file);
    const out = sink ?? file;
    const write = async (text) => {
        if (!out.write(text))
            await once(out, 'drain');
    };
    const location = options.customerLocation === true;
    const header = [...SPARKOV_DERIVED_COLUMNS];
    if (location)
        header.splice(header.length - 1, 0, 'lat', 'long');
    await write(stringify([header]));
    let index = -1;
    let rows = 0;
    let frauds = 0;
    for await (const r of parser) {
        index++;
        if (index < offset || (index - offset) % every !== 0)
            continue;
        const when = r.trans_date_trans_time;
        const at = new Date(`${when.replace(' ', 'T')}Z`);
        const dob = new Date(`${r.dob}T00:00:00Z`);
        const age = (at.getTime() - dob.getTime()) / (365.2425 * 86_400_000);
        const distance = haversineKm(Number(r.lat), Number(r.long), Number(r.merch_lat), Number(r.merch_long));
        const label = Number(r.is_fraud);
        frauds += label;
        rows++;
        const features = [
            when,
            r.amt,
            r.category,
            r.gender,
            r.city_pop,
            age.toFixed(1),
            at.getUTCHours(),
            (at.getUTCDay() + 6) % 7,
            distance.toFixed(2),
        ];
        await write(stringify([location ? [...features, r.lat, r.long, label] : [...features, label]]));
    }
    out.end();
    await once(file, 'finish');
    return { rows, frauds };
}
//# sourceMappingURL=sparkov.js.map