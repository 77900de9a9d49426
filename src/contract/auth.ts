/**
 * Roles and permissions of API keys: the one registry the server's route hooks, GET /auth/me, the
 * docs and the dashboard's menu derive from. A permission names what a key may do; a role is a
 * fixed set of permissions.
 */

import { Type, type Static } from 'typebox';

import { NullableString, StringEnum } from './schema.js';

/** Every permission, with what it allows in words (docs/api.md lists them from here). */
export const PERMISSIONS = {
  score: 'Score and explain transactions: POST /predict, POST /explain, the V2 inference routes.',
  'decisions:read': 'Read decisions, logs, labels and the review queue: GET /decisions, /logs, /labels/{id}, /review.',
  'labels:write': 'Record labels: POST /labels.',
  'performance:read': 'Read the live performance figures: GET /performance, /performance/history and /performance/comparison.',
  'drift:read': 'Read drift reports: GET /drift.',
  admin: 'Reload the model and rules, save drift baselines: POST /admin/….',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Every role and its permissions; `admin` holds them all. */
export const ROLE_PERMISSIONS = {
  scoring: ['score'],
  analyst: ['decisions:read', 'labels:write', 'performance:read', 'drift:read'],
  admin: PERMISSION_NAMES,
} as const satisfies Record<string, readonly Permission[]>;
export type Role = keyof typeof ROLE_PERMISSIONS;
export const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[];

/** What GET /auth/me answers: who the presented key is and what it may do. */
export const AuthMe = Type.Object(
  {
    name: NullableString({ description: "The key's name (recorded as `labelled_by`); null when the server has no API keys." }),
    role: Type.Unsafe<Role | null>({
      type: ['string', 'null'],
      enum: [...ROLES, null],
      description: 'The key\'s role; null when the server has no API keys (then every permission but "admin" is open).',
    }),
    permissions: Type.Array(StringEnum(PERMISSION_NAMES), {
      description: 'What this key may do (see the registry in docs/api.md).',
    }),
  },
  { additionalProperties: false },
);
export type AuthMe = Static<typeof AuthMe>;
