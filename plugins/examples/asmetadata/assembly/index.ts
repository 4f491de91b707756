// An authspec plugin in AssemblyScript (ABI v1, see docs/plugins.md): it
// fetches the authorization server's metadata through the host and checks
// that it is served as JSON and advertises PKCE S256. Written without a
// JSON library, against the raw ABI, to show that any language that
// compiles to WebAssembly can extend authspec.

@external("authspec_v1", "http")
declare function hostHttp(ptr: usize, len: i32): i32;

@external("authspec_v1", "reply")
declare function hostReply(dst: usize): void;

@external("authspec_v1", "log")
declare function hostLog(ptr: usize, len: i32): void;

// Buffers handed to the host stay referenced until used.
let inputs = new Map<usize, ArrayBuffer>();
let output: ArrayBuffer = new ArrayBuffer(0);

export function authspec_alloc(size: i32): usize {
  const buf = new ArrayBuffer(size);
  const p = changetype<usize>(buf);
  inputs.set(p, buf);
  return p;
}

function hand(s: string): i64 {
  output = String.UTF8.encode(s);
  return (i64(changetype<usize>(output)) << 32) | i64(output.byteLength);
}

function log(s: string): void {
  const b = String.UTF8.encode(s);
  hostLog(changetype<usize>(b), b.byteLength);
}

// esc escapes s as the inside of a JSON string.
function esc(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) out += " ";
    else out += String.fromCharCode(c);
  }
  return out;
}

function hex(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 0;
}

// member returns the decoded string value of the first "key": "…" in src.
function member(src: string, key: string): string {
  const k = "\"" + key + "\":";
  let i = src.indexOf(k);
  if (i < 0) return "";
  i += k.length;
  while (i < src.length && src.charCodeAt(i) == 0x20) i++;
  if (i >= src.length || src.charCodeAt(i) != 0x22) return "";
  i++;
  let out = "";
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c == 0x22) break;
    if (c == 0x5c && i + 1 < src.length) {
      const e = src.charCodeAt(i + 1);
      if (e == 0x6e) out += "\n";
      else if (e == 0x74) out += "\t";
      else if (e == 0x72) out += "\r";
      else if (e == 0x75 && i + 5 < src.length) {
        const code = (hex(src.charCodeAt(i + 2)) << 12) | (hex(src.charCodeAt(i + 3)) << 8) | (hex(src.charCodeAt(i + 4)) << 4) | hex(src.charCodeAt(i + 5));
        out += String.fromCharCode(code);
        i += 6;
        continue;
      } else out += String.fromCharCode(e);
      i += 2;
      continue;
    }
    out += String.fromCharCode(c);
    i++;
  }
  return out;
}

function result(status: string, message: string = "", want: string = "", got: string = "", fix: string = ""): i64 {
  return hand("{\"status\":\"" + status + "\",\"message\":\"" + esc(message) + "\",\"want\":\"" + esc(want) +
    "\",\"got\":\"" + esc(got) + "\",\"fix\":\"" + esc(fix) + "\"}");
}

export function authspec_describe(): i64 {
  return hand("{\"name\":\"as-metadata\",\"abi\":1,\"version\":\"1.0.0\"," +
    "\"description\":\"metadata checks written in AssemblyScript\"," +
    "\"checks\":[{\"id\":\"json-s256\",\"kind\":\"check\",\"spec\":\"RFC 8414\",\"section\":\"3.2\",\"level\":\"MUST\"," +
    "\"title\":\"The metadata is served as application/json and advertises PKCE S256\"," +
    "\"quote\":\"A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type\"," +
    "\"requires\":[\"metadata\"]}]}");
}

export function authspec_run(ptr: usize, len: i32): i64 {
  const input = String.UTF8.decodeUnsafe(ptr, len);
  inputs.delete(ptr);
  const check = member(input, "check");
  if (check != "json-s256") return result("error", "the plugin has no check " + check);
  const url = member(input, "metadata_url");
  if (url.length == 0) return result("skip", "discovery found no metadata URL");

  const req = String.UTF8.encode("{\"method\":\"GET\",\"url\":\"" + esc(url) + "\",\"note\":\"fetch the metadata (AssemblyScript plugin)\"}");
  const n = hostHttp(changetype<usize>(req), req.byteLength);
  const buf = new ArrayBuffer(n + 1);
  hostReply(changetype<usize>(buf));
  const reply = String.UTF8.decodeUnsafe(changetype<usize>(buf), n);
  const err = member(reply, "error");
  if (err.length > 0) return result("error", "GET " + url + ": " + err);
  if (!reply.includes("\"status\":200")) {
    return result("fail", "the metadata is not served", "HTTP 200", reply.substring(0, 40));
  }
  if (!reply.includes("\"Content-Type\":[\"application/json")) {
    return result("fail", "the metadata is not served as application/json", "Content-Type: application/json", "another content type",
      "serve the metadata with Content-Type: application/json");
  }
  const body = member(reply, "body");
  log("metadata: " + body.length.toString() + " characters");
  const i = body.indexOf("\"code_challenge_methods_supported\"");
  const j = i < 0 ? -1 : body.indexOf("]", i);
  if (i < 0 || j < 0 || !body.substring(i, j).includes("\"S256\"")) {
    return result("fail", "the metadata does not advertise PKCE S256", "\"code_challenge_methods_supported\": [\"S256\"]",
      i < 0 ? "no code_challenge_methods_supported" : body.substring(i, j + 1), "support RFC 7636 S256 and advertise it");
  }
  return result("pass");
}
