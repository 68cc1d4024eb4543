// The viewer's HTTP API (SPEC.md "The viewer's HTTP API"), as the pages call it.
// Every failure becomes an Error whose message is one line: the URL, the HTTP
// status and the server's reason.

export async function getJson(url) {
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(`${url}: ${e.message || e}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let reason = text;
    try {
      reason = JSON.parse(text).error || text;
    } catch (e) {
      // not JSON: the body's first line is the reason
    }
    throw new Error(`${url}: HTTP ${res.status}${reason ? ': ' + String(reason).split('\n')[0].slice(0, 300) : ''}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${url}: the answer is not JSON`);
  }
}

export function query(values) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== null && one !== '') q.append(k, one);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const listUrl = (filters) => '/api/v1/profiles' + query(filters);
export const profileUrl = (id) => `/api/v1/profiles/${encodeURIComponent(id)}`;
