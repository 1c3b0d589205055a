/** Cookie holding the session token. */
export const SESSION_COOKIE = 'wy_sid';
