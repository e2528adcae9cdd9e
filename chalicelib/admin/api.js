// The back-office API over fetch: bearer token from sessionStorage, JSON in and out, errors as ApiError.

const TOKEN_KEY = "guichet.operator-token";

// The page is served at <root>/admin and its modules under <root>/admin/ (admin/v/<version>/*.js), so
// the API root is what precedes /admin/ in this file's URL; that keeps working behind an API Gateway
// stage prefix such as /api/.
export const ROOT = new URL(import.meta.url.replace(/\/admin\/[^?#]*([?#].*)?$/, "/"));

/** An API failure: `message` is meant for the operator; `fields` lists per-field reasons (422). */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details || {};
    this.fields = fieldsOf(this.details, message);
  }
}

function fieldsOf(details, message) {
  if (Array.isArray(details.fields)) {
    return details.fields.map((f) => ({
      field: String(f.field ?? ""), reason: String(f.reason ?? ""), type: f.type,
    }));
  }
  // Domain errors name a single field, e.g. {"field": "login"}: the message is its reason.
  if (typeof details.field === "string") return [{ field: details.field, reason: message, inMessage: true }];
  return [];
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  save(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

let onUnauthorized = () => {};

/** Called with the ApiError whenever an authenticated call answers 401 (expired or revoked token). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorFrom(response, data) {
  if (data && typeof data.code === "string" && typeof data.message === "string") {
    return new ApiError(response.status, data.code, data.message, data.details);
  }
  const text = `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, "http_error", `${text}. Please try again.`);
}

/** One API call. `path` starts with "/" (e.g. "/backoffice/me"); `auth: false` sends no token. */
export async function request(method, path, body, { auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = session.token;
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached. Check the connection and try again.");
  }
  const data = await readBody(response);
  if (response.ok) return data;
  const error = errorFrom(response, data);
  if (response.status === 401 && auth) onUnauthorized(error);
  throw error;
}

/** Encode one path segment: api.del(`/backoffice/operators/${seg(login)}`). */
export const seg = encodeURIComponent;

export const api = {
  get: (path) => request("GET", path),
  post: (path, body) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  patch: (path, body) => request("PATCH", path, body),
  del: (path) => request("DELETE", path),
  logIn: (orgId, login, password) =>
    request("POST", "/backoffice/login", { org_id: orgId, login, password }, { auth: false }),
  // Ends every session of this operator on the server, not only this browser's copy of the token.
  logOut: () => request("POST", "/backoffice/logout"),
};

/** GET a file the API serves (a PDF, a CSV) with the operator's token; resolves to a Blob. */
export async function fetchFile(path, accept) {
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
      headers: { Accept: accept, Authorization: `Bearer ${session.token}` },
    });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached. Check the connection and try again.");
  }
  if (response.ok) return response.blob();
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (data && typeof data.message === "string") throw new ApiError(response.status, data.code, data.message, data.details);
  throw new ApiError(response.status, "http_error", `The server answered ${response.status}. Please try again.`);
}
