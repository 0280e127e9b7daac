/** Generated from Strata's OpenAPI document by `npm run sdk:generate`; do not edit. */
export interface paths {
    "/activities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The change log (system admins) */
        get: operations["listActivities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account with email and password; starts a session and mails a verification link */
        post: operations["signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password; starts a session */
        post: operations["signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify my email with the token of the verification mail (works once, for 24 hours) */
        post: operations["verifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify-email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail me a new verification link (once a minute; earlier links stop working) */
        post: operations["resendVerificationEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current session */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/pages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List pages of the organization */
        get: operations["listPages"];
        put?: never;
        /** Create a page */
        post: operations["createPage"];
        /** Delete pages; ids I may not delete are returned in rejectedIds */
        delete: operations["deletePages"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/pages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a page */
        get: operations["getPage"];
        /** Update a page */
        put: operations["updatePage"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List attachments of the organization */
        get: operations["listAttachments"];
        put?: never;
        /** Create a attachment */
        post: operations["createAttachment"];
        /** Delete attachments; ids I may not delete are returned in rejectedIds */
        delete: operations["deleteAttachments"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/attachments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a attachment */
        get: operations["getAttachment"];
        /** Update a attachment */
        put: operations["updateAttachment"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers (no database access) */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database, migrations, tenant-isolation catalog, this instance's change feed (and CDC health as info) */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: operations["getMe"];
        /** Update my profile */
        put: operations["updateMe"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/memberships": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My memberships in every tenant (a tenant-scoped API token: in its tenant) */
        get: operations["listMyMemberships"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My pending invitations (none until my email is verified; a tenant-scoped API token: in its tenant) */
        get: operations["listMyInvitations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Invite people by email (admins): existing users get a pending invitation, others an invitation token */
        post: operations["inviteMembers"];
        /** Remove memberships (admins; members may leave) */
        delete: operations["deleteMemberships"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of the organization with their membership */
        get: operations["listMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships/pending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pending invitations of the organization */
        get: operations["listPendingInvitations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change a role (admins) or my own muted/archived/displayOrder */
        put: operations["updateMembership"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept my pending invitation (the invitee only, with a verified email) */
        post: operations["acceptMembership"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/memberships/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline my pending invitation (the invitee only, with a verified email) */
        post: operations["rejectMembership"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an organization; the creator becomes its admin */
        post: operations["createOrganization"];
        /** Delete organizations (admins); ids I may not delete are returned in rejectedIds */
        delete: operations["deleteOrganizations"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My organizations in every tenant (a tenant-scoped API token: in its tenant) */
        get: operations["listOrganizations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/organizations/{idOrSlug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An organization by id or slug, with my membership and what I can do */
        get: operations["getOrganization"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/organizations/{orgId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Update an organization (admins) */
        put: operations["updateOrganization"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/public/{tenantId}/pages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public pages of a tenant */
        get: operations["listPublicPages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/public/{tenantId}/pages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One public page */
        get: operations["getPublicPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/entities/app/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes I may read, in commit order, resumable
         * @description text/event-stream: `retry:`, replayed `change` events (id = cursor), `event: offset` with `{"cursor"}`, then live `change` events and heartbeat comments. Resume with Last-Event-ID or ?offset=. With `?live=catchup`: the replay as one JSON answer, then the connection closes.
         */
        get: operations["streamChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/public/{tenantId}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes of the public pages of one tenant
         * @description text/event-stream: `retry:`, replayed `change` events (id = cursor), `event: offset` with `{"cursor"}`, then live `change` events and heartbeat comments. Resume with Last-Event-ID or ?offset=. With `?live=catchup`: the replay as one JSON answer, then the connection closes.
         */
        get: operations["streamPublicChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tenants */
        get: operations["listTenants"];
        put?: never;
        /** Create a tenant */
        post: operations["createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tenants/{tenantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a tenant */
        get: operations["getTenant"];
        put?: never;
        post?: never;
        /** Archive a tenant (data is kept) */
        delete: operations["deleteTenant"];
        options?: never;
        head?: never;
        /** Rename, suspend or reactivate a tenant */
        patch: operations["updateTenant"];
        trace?: never;
    };
    "/me/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My API tokens (never their secrets) */
        get: operations["listMyTokens"];
        put?: never;
        /** Create an API token (shown once; only its hash is kept) */
        post: operations["createMyToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token (every instance refuses it within a second) */
        delete: operations["deleteMyToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of the organization */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{tenantId}/{orgId}/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One member of the organization */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "mutationId": "0195f3c1-7a40-7c2e-9b1d-3f0e8a6d2c11",
         *       "sourceId": "phone-7f3a",
         *       "fieldVersions": {
         *         "title": 4,
         *         "status": 2
         *       }
         *     }
         */
        StxInput: {
            mutationId: string | null;
            sourceId: string | null;
            fieldVersions: {
                [key: string]: number;
            };
        };
        /**
         * @example {
         *       "id": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "email": "kelsi_koss91@yahoo.com",
         *       "name": "Kelsi Koss",
         *       "emailVerified": true,
         *       "createdAt": "2025-12-11T10:57:52.915Z",
         *       "updatedAt": "2025-12-13T09:21:48.571Z"
         *     }
         */
        UserInput: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ErrorInput: {
            error: {
                status: number;
                type: string;
                message: string;
                /** @enum {string} */
                severity: "debug" | "info" | "warn" | "error" | "fatal";
                entityType?: string;
                requestId: string;
                meta?: {
                    [key: string]: unknown;
                };
            };
        };
        MembershipInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            /** Format: uuid */
            userId: string;
            /** @enum {string} */
            role: "admin" | "member";
            displayOrder: number;
            archived: boolean;
            muted: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
        };
        ChangeInput: {
            cursor: string;
            /** @enum {string} */
            action: "create" | "update" | "delete";
            entityType: string;
            entityId: string;
            tenantId: string;
            organizationId: string | null;
            userId: string | null;
            seq: number | null;
            changedFields: string[] | null;
            createdAt: string;
            /** @description the entity as the API returns it (without `can`): creates and updates of an entity, for readers allowed to read it */
            data?: {
                [key: string]: unknown;
            };
            /** @description with `data`, for entities with field versions: the mutation that made the change and the versions of the fields after it */
            stx?: components["schemas"]["StxInput"];
        };
        StreamFrameInput: {
            /** @constant */
            event: "change";
            /** @description the change's cursor: send it back as Last-Event-ID (or ?offset=) to resume after it */
            id: string;
            data: components["schemas"]["ChangeInput"];
        } | {
            /** @constant */
            event: "offset";
            data: {
                cursor: string;
            };
        } | {
            retry: number;
        };
        /**
         * @example {
         *       "id": "4d030ed3-cd99-4831-a767-143eba325b88",
         *       "tenantId": "7ez3hz",
         *       "organizationId": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "filename": "microchip.ttf",
         *       "contentType": "audio/wav",
         *       "size": 1186622,
         *       "key": "uploads/NzAlkN4YhcGK",
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-31T18:54:03.275Z",
         *       "updatedAt": "2025-12-16T04:43:52.590Z"
         *     }
         */
        AttachmentInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            filename: string;
            contentType: string;
            size: number;
            key: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "id": "bb91fed3-57f2-47cc-a97a-424a432d29da",
         *       "tenantId": "7ez3hz",
         *       "organizationId": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "title": "Aspernatur vomito angustus suppellex tempore tantillus.",
         *       "content": "Vicissitudo amplexus atrox anser cura volo suscipio. Undique arbustum usus impedit conicio. Voluptatibus articulus clibanus uxor uter studio volubilis arcus.\nCicuta amicitia theca vulgaris. Abduco carmen vulgaris. Ultio bellum amor acidus vis denuncio aeger aveho.",
         *       "status": "published",
         *       "publicAccess": false,
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-12T20:20:54.537Z",
         *       "updatedAt": "2025-12-07T04:56:17.099Z"
         *     }
         */
        PageInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            title: string;
            content: string;
            /** @enum {string} */
            status: "draft" | "published" | "archived";
            publicAccess: boolean;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ActivityInput: {
            cursor: string;
            /** @enum {string} */
            action: "create" | "update" | "delete";
            entityType: string;
            entityId: string;
            tenantId: string;
            organizationId: string | null;
            seq: number | null;
            changedFields: string[] | null;
            /** Format: date-time */
            createdAt: string;
        };
        MyMembershipInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            organizationName: string;
            organizationSlug: string;
            /** @enum {string} */
            role: "admin" | "member";
            displayOrder: number;
            archived: boolean;
            muted: boolean;
            /** Format: date-time */
            createdAt: string;
        };
        MyInvitationInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            /** @enum {string} */
            role: "admin" | "member";
            /** Format: date-time */
            createdAt: string;
        };
        MemberInput: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            membership: components["schemas"]["MembershipInput"];
        };
        PendingInvitationInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            email: string;
            userId: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        /**
         * @example {
         *       "id": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "tenantId": "7ez3hz",
         *       "name": "Cummerata - Goyette",
         *       "slug": "cummerata---goyette",
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-11T01:30:50.168Z",
         *       "updatedAt": "2026-01-03T10:52:05.366Z",
         *       "can": {
         *         "create": true,
         *         "read": true,
         *         "update": true,
         *         "delete": false
         *       }
         *     }
         */
        OrganizationInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            name: string;
            slug: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
        };
        OrganizationWithMembershipInput: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            name: string;
            slug: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
            membership: components["schemas"]["MembershipInput"] | null;
        };
        /**
         * @example {
         *       "id": "7ez3hz",
         *       "name": "Cummerata - Goyette",
         *       "status": "active",
         *       "createdAt": "2025-12-08T02:22:13.765Z",
         *       "updatedAt": "2025-12-18T09:22:25.573Z"
         *     }
         */
        TenantInput: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "active" | "suspended" | "archived";
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ApiTokenInput: {
            /** Format: uuid */
            id: string;
            name: string;
            tenantId: string | null;
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
        };
        CreatedApiTokenInput: {
            /** Format: uuid */
            id: string;
            name: string;
            tenantId: string | null;
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
            /** @description `Authorization: Bearer <token>`; shown only in this response */
            token: string;
        };
        OrganizationUserInput: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            role: "admin" | "member";
        };
        /**
         * @example {
         *       "mutationId": "0195f3c1-7a40-7c2e-9b1d-3f0e8a6d2c11",
         *       "sourceId": "phone-7f3a",
         *       "fieldVersions": {
         *         "title": 4,
         *         "status": 2
         *       }
         *     }
         */
        Stx: {
            mutationId: string | null;
            sourceId: string | null;
            fieldVersions: {
                [key: string]: number;
            };
        };
        /**
         * @example {
         *       "id": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "email": "kelsi_koss91@yahoo.com",
         *       "name": "Kelsi Koss",
         *       "emailVerified": true,
         *       "createdAt": "2025-12-11T10:57:52.915Z",
         *       "updatedAt": "2025-12-13T09:21:48.571Z"
         *     }
         */
        User: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        Error: {
            error: {
                status: number;
                type: string;
                message: string;
                /** @enum {string} */
                severity: "debug" | "info" | "warn" | "error" | "fatal";
                entityType?: string;
                requestId: string;
                meta?: {
                    [key: string]: unknown;
                };
            };
        };
        Membership: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            /** Format: uuid */
            userId: string;
            /** @enum {string} */
            role: "admin" | "member";
            displayOrder: number;
            archived: boolean;
            muted: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
        };
        Change: {
            cursor: string;
            /** @enum {string} */
            action: "create" | "update" | "delete";
            entityType: string;
            entityId: string;
            tenantId: string;
            organizationId: string | null;
            userId: string | null;
            seq: number | null;
            changedFields: string[] | null;
            createdAt: string;
            /** @description the entity as the API returns it (without `can`): creates and updates of an entity, for readers allowed to read it */
            data?: {
                [key: string]: unknown;
            };
            /** @description with `data`, for entities with field versions: the mutation that made the change and the versions of the fields after it */
            stx?: components["schemas"]["Stx"];
        };
        StreamFrame: {
            /** @constant */
            event: "change";
            /** @description the change's cursor: send it back as Last-Event-ID (or ?offset=) to resume after it */
            id: string;
            data: components["schemas"]["Change"];
        } | {
            /** @constant */
            event: "offset";
            data: {
                cursor: string;
            };
        } | {
            retry: number;
        };
        /**
         * @example {
         *       "id": "4d030ed3-cd99-4831-a767-143eba325b88",
         *       "tenantId": "7ez3hz",
         *       "organizationId": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "filename": "microchip.ttf",
         *       "contentType": "audio/wav",
         *       "size": 1186622,
         *       "key": "uploads/NzAlkN4YhcGK",
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-31T18:54:03.275Z",
         *       "updatedAt": "2025-12-16T04:43:52.590Z"
         *     }
         */
        Attachment: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            filename: string;
            contentType: string;
            size: number;
            key: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "id": "bb91fed3-57f2-47cc-a97a-424a432d29da",
         *       "tenantId": "7ez3hz",
         *       "organizationId": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "title": "Aspernatur vomito angustus suppellex tempore tantillus.",
         *       "content": "Vicissitudo amplexus atrox anser cura volo suscipio. Undique arbustum usus impedit conicio. Voluptatibus articulus clibanus uxor uter studio volubilis arcus.\nCicuta amicitia theca vulgaris. Abduco carmen vulgaris. Ultio bellum amor acidus vis denuncio aeger aveho.",
         *       "status": "published",
         *       "publicAccess": false,
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-12T20:20:54.537Z",
         *       "updatedAt": "2025-12-07T04:56:17.099Z"
         *     }
         */
        Page: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            title: string;
            content: string;
            /** @enum {string} */
            status: "draft" | "published" | "archived";
            publicAccess: boolean;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        Activity: {
            cursor: string;
            /** @enum {string} */
            action: "create" | "update" | "delete";
            entityType: string;
            entityId: string;
            tenantId: string;
            organizationId: string | null;
            seq: number | null;
            changedFields: string[] | null;
            /** Format: date-time */
            createdAt: string;
        };
        MyMembership: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            organizationName: string;
            organizationSlug: string;
            /** @enum {string} */
            role: "admin" | "member";
            displayOrder: number;
            archived: boolean;
            muted: boolean;
            /** Format: date-time */
            createdAt: string;
        };
        MyInvitation: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            /** @enum {string} */
            role: "admin" | "member";
            /** Format: date-time */
            createdAt: string;
        };
        Member: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            membership: components["schemas"]["Membership"];
        };
        PendingInvitation: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            /** Format: uuid */
            organizationId: string;
            email: string;
            userId: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        /**
         * @example {
         *       "id": "3e8c464e-0785-4be0-a13a-3f207aea8748",
         *       "tenantId": "7ez3hz",
         *       "name": "Cummerata - Goyette",
         *       "slug": "cummerata---goyette",
         *       "createdBy": "737f4033-3abd-412f-b070-af75aa991fa3",
         *       "createdAt": "2025-12-11T01:30:50.168Z",
         *       "updatedAt": "2026-01-03T10:52:05.366Z",
         *       "can": {
         *         "create": true,
         *         "read": true,
         *         "update": true,
         *         "delete": false
         *       }
         *     }
         */
        Organization: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            name: string;
            slug: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
        };
        OrganizationWithMembership: {
            /** Format: uuid */
            id: string;
            tenantId: string;
            name: string;
            slug: string;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            can: {
                create: boolean;
                read: boolean;
                update: boolean;
                delete: boolean;
            };
            membership: components["schemas"]["Membership"] | null;
        };
        /**
         * @example {
         *       "id": "7ez3hz",
         *       "name": "Cummerata - Goyette",
         *       "status": "active",
         *       "createdAt": "2025-12-08T02:22:13.765Z",
         *       "updatedAt": "2025-12-18T09:22:25.573Z"
         *     }
         */
        Tenant: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "active" | "suspended" | "archived";
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ApiToken: {
            /** Format: uuid */
            id: string;
            name: string;
            tenantId: string | null;
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
        };
        CreatedApiToken: {
            /** Format: uuid */
            id: string;
            name: string;
            tenantId: string | null;
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            /** @description to the minute */
            lastUsedAt: string | null;
            /** @description `Authorization: Bearer <token>`; shown only in this response */
            token: string;
        };
        OrganizationUser: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            name: string;
            emailVerified: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            role: "admin" | "member";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listActivities: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                tenantId?: string;
                organizationId?: string;
                entityType?: string;
                after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: the change log (system admins) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Activity"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`no_sysadmin`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_sysadmin";
                        };
                    };
                };
            };
        };
    };
    signUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                    name?: string;
                    inviteToken?: string;
                };
            };
        };
        responses: {
            /** @description Created: create an account with email and password; starts a session and mails a verification link */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                    };
                };
            };
            /** @description The request is invalid (`invalid_invite_token`, `invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_invite_token" | "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`email_exists`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "email_exists";
                        };
                    };
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`rate_limited`) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "rate_limited";
                        };
                    };
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Success: sign in with email and password; starts a session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`invalid_credentials`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_credentials";
                        };
                    };
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`rate_limited`) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "rate_limited";
                        };
                    };
                };
            };
        };
    };
    verifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Success: verify my email with the token of the verification mail (works once, for 24 hours) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `invalid_verification_token`, `validation_error`, `verification_token_expired`, `verification_token_used`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "invalid_verification_token" | "validation_error" | "verification_token_expired" | "verification_token_used";
                        };
                    };
                };
            };
        };
    };
    resendVerificationEmail: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content: mail me a new verification link (once a minute; earlier links stop working) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`email_already_verified`, `idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "email_already_verified" | "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`rate_limited`) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "rate_limited";
                        };
                    };
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content: end the current session */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listPages: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "createdAt" | "title" | "updatedAt" | "status";
                status?: "draft" | "published" | "archived";
            };
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: list pages of the organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: uuid */
                            id: string;
                            tenantId: string;
                            /** Format: uuid */
                            organizationId: string;
                            title: string;
                            content: string;
                            /** @enum {string} */
                            status: "draft" | "published" | "archived";
                            publicAccess: boolean;
                            createdBy: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            can: {
                                create: boolean;
                                read: boolean;
                                update: boolean;
                                delete: boolean;
                            };
                        }[];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    createPage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title: string;
                    /** @default  */
                    content?: string;
                    /**
                     * @default draft
                     * @enum {string}
                     */
                    status?: "draft" | "published" | "archived";
                    /** @default false */
                    publicAccess?: boolean;
                };
            };
        };
        responses: {
            /** @description Created: create a page */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        title: string;
                        content: string;
                        /** @enum {string} */
                        status: "draft" | "published" | "archived";
                        publicAccess: boolean;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    deletePages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Success: delete pages; ids I may not delete are returned in rejectedIds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            id: string;
                        }[];
                        rejectedIds: string[];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    getPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: read a page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        title: string;
                        content: string;
                        /** @enum {string} */
                        status: "draft" | "published" | "archived";
                        publicAccess: boolean;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `page_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "page_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    updatePage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title?: string;
                    content?: string;
                    /** @enum {string} */
                    status?: "draft" | "published" | "archived";
                    publicAccess?: boolean;
                };
            };
        };
        responses: {
            /** @description Success: update a page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        title: string;
                        content: string;
                        /** @enum {string} */
                        status: "draft" | "published" | "archived";
                        publicAccess: boolean;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `page_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "page_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listAttachments: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "createdAt" | "filename" | "size" | "updatedAt";
                contentType?: string;
            };
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: list attachments of the organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: uuid */
                            id: string;
                            tenantId: string;
                            /** Format: uuid */
                            organizationId: string;
                            filename: string;
                            contentType: string;
                            size: number;
                            key: string;
                            createdBy: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            can: {
                                create: boolean;
                                read: boolean;
                                update: boolean;
                                delete: boolean;
                            };
                        }[];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    createAttachment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    filename: string;
                    contentType: string;
                    size: number;
                    key: string;
                };
            };
        };
        responses: {
            /** @description Created: create a attachment */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        filename: string;
                        contentType: string;
                        size: number;
                        key: string;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    deleteAttachments: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Success: delete attachments; ids I may not delete are returned in rejectedIds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            id: string;
                        }[];
                        rejectedIds: string[];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    getAttachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: read a attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        filename: string;
                        contentType: string;
                        size: number;
                        key: string;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`attachment_not_found`, `organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "attachment_not_found" | "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    updateAttachment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    filename?: string;
                    contentType?: string;
                };
            };
        };
        responses: {
            /** @description Success: update a attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        tenantId: string;
                        /** Format: uuid */
                        organizationId: string;
                        filename: string;
                        contentType: string;
                        size: number;
                        key: string;
                        createdBy: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        can: {
                            create: boolean;
                            read: boolean;
                            update: boolean;
                            delete: boolean;
                        };
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`attachment_not_found`, `organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "attachment_not_found" | "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: liveness: the process answers (no database access) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: readiness: database, migrations, tenant-isolation catalog, this instance's change feed (and CDC health as info) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready" | "not_ready";
                        checks: {
                            [key: string]: string[];
                        };
                        info: {
                            [key: string]: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /** @description Temporarily unavailable; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready" | "not_ready";
                        checks: {
                            [key: string]: string[];
                        };
                        info: {
                            [key: string]: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: the signed-in user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                        systemRole: "admin" | null;
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Success: update my profile */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listMyMemberships: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: my memberships in every tenant (a tenant-scoped API token: in its tenant) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MyMembership"][];
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
        };
    };
    listMyInvitations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: my pending invitations (none until my email is verified; a tenant-scoped API token: in its tenant) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MyInvitation"][];
                        total: number;
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
        };
    };
    inviteMembers: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    emails: string[];
                    /** @enum {string} */
                    role: "admin" | "member";
                };
            };
        };
        responses: {
            /** @description Success: invite people by email (admins): existing users get a pending invitation, others an invitation token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        invitesSentCount: number;
                        rejectedIds: string[];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    deleteMemberships: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Success: remove memberships (admins; members may leave) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            id: string;
                        }[];
                        rejectedIds: string[];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`, `last_admin`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch" | "last_admin";
                        };
                    };
                };
            };
        };
    };
    listMembers: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "name" | "email" | "role" | "createdAt" | "displayOrder";
                role?: "admin" | "member";
            };
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: members of the organization with their membership */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Member"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    listPendingInvitations: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: pending invitations of the organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["PendingInvitation"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    updateMembership: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role?: "admin" | "member";
                    muted?: boolean;
                    archived?: boolean;
                    displayOrder?: number;
                };
            };
        };
        responses: {
            /** @description Success: change a role (admins) or my own muted/archived/displayOrder */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Membership"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`membership_not_found`, `organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "membership_not_found" | "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`, `last_admin`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch" | "last_admin";
                        };
                    };
                };
            };
        };
    };
    acceptMembership: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: accept my pending invitation (the invitee only, with a verified email) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Membership"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `email_not_verified`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "email_not_verified" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`invitation_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invitation_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    rejectMembership: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content: decline my pending invitation (the invitee only, with a verified email) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `email_not_verified`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "email_not_verified" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`invitation_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invitation_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    createOrganization: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    slug: string;
                };
            };
        };
        responses: {
            /** @description Created: create an organization; the creator becomes its admin */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationWithMembership"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`, `resource_already_exists`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch" | "resource_already_exists";
                        };
                    };
                };
            };
        };
    };
    deleteOrganizations: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Success: delete organizations (admins); ids I may not delete are returned in rejectedIds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            id: string;
                        }[];
                        rejectedIds: string[];
                    };
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listOrganizations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: my organizations in every tenant (a tenant-scoped API token: in its tenant) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Organization"][];
                        total: number;
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
        };
    };
    getOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                idOrSlug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: an organization by id or slug, with my membership and what I can do */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationWithMembership"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    updateOrganization: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    slug?: string;
                };
            };
        };
        responses: {
            /** @description Success: update an organization (admins) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`, `resource_already_exists`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch" | "resource_already_exists";
                        };
                    };
                };
            };
        };
    };
    listPublicPages: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "createdAt" | "title" | "updatedAt" | "status";
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: public pages of a tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Page"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not found (`route_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "route_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    getPublicPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: one public page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not found (`route_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "route_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    streamChanges: {
        parameters: {
            query?: {
                /** @description resume after this cursor; `now` = live only */
                offset?: string;
                /** @description `catchup`: answer the replay as JSON and close */
                live?: "catchup";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The changes I may read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activities: components["schemas"]["Change"][];
                        cursor: string;
                    };
                    "text/event-stream": components["schemas"]["StreamFrame"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`too_many_streams`) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "too_many_streams";
                        };
                    };
                };
            };
        };
    };
    streamPublicChanges: {
        parameters: {
            query?: {
                /** @description resume after this cursor; `now` = live only */
                offset?: string;
                /** @description `catchup`: answer the replay as JSON and close */
                live?: "catchup";
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The changes of the tenant's public pages */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        activities: components["schemas"]["Change"][];
                        cursor: string;
                    };
                    "text/event-stream": components["schemas"]["StreamFrame"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not found (`route_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "route_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`too_many_streams`) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "too_many_streams";
                        };
                    };
                };
            };
        };
    };
    listTenants: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "name" | "createdAt";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: list tenants */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Tenant"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`no_sysadmin`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_sysadmin";
                        };
                    };
                };
            };
        };
    };
    createTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created: create a tenant */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `no_sysadmin`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "no_sysadmin";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`conflict_retry`, `idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "conflict_retry" | "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    getTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: read a tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`no_sysadmin`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_sysadmin" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    deleteTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: archive a tenant (data is kept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `no_sysadmin`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "no_sysadmin" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    updateTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    status?: "active" | "suspended" | "archived";
                };
            };
        };
        responses: {
            /** @description Success: rename, suspend or reactivate a tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `no_sysadmin`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "no_sysadmin" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listMyTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: my API tokens (never their secrets) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiToken"][];
                        total: number;
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`session_required`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "session_required";
                        };
                    };
                };
            };
        };
    };
    createMyToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description limit the token to this tenant */
                    tenantId?: string;
                    /** Format: date-time */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Created: create an API token (shown once; only its hash is kept) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiToken"];
                };
            };
            /** @description The request is invalid (`invalid_json`, `validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "invalid_json" | "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `session_required`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "session_required";
                        };
                    };
                };
            };
            /** @description Not found (`tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "tenant_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    deleteMyToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true` */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no content: revoke an API token (every instance refuses it within a second) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`csrf_origin_mismatch`, `session_required`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "csrf_origin_mismatch" | "session_required";
                        };
                    };
                };
            };
            /** @description Not found (`api_token_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "api_token_not_found";
                        };
                    };
                };
            };
            /** @description Conflict with the current state (`idempotency_key_in_progress`, `idempotency_key_mismatch`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "idempotency_key_in_progress" | "idempotency_key_mismatch";
                        };
                    };
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                q?: string;
                order?: "asc" | "desc";
                sort?: "name" | "email" | "role" | "createdAt" | "displayOrder";
                role?: "admin" | "member";
            };
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: members of the organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["OrganizationUser"][];
                        total: number;
                    };
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found";
                        };
                    };
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                orgId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success: one member of the organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationUser"];
                };
            };
            /** @description The request is invalid (`validation_error`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "validation_error";
                        };
                    };
                };
            };
            /** @description Not signed in, or the session or API token is invalid (`no_session`, `session_expired`, `token_expired`, `unauthorized`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "no_session" | "session_expired" | "token_expired" | "unauthorized";
                        };
                    };
                };
            };
            /** @description Not allowed (`forbidden`, `tenant_suspended`, `token_scope`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "forbidden" | "tenant_suspended" | "token_scope";
                        };
                    };
                };
            };
            /** @description Not found (`organization_not_found`, `tenant_not_found`, `user_not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            type?: "organization_not_found" | "tenant_not_found" | "user_not_found";
                        };
                    };
                };
            };
        };
    };
}
