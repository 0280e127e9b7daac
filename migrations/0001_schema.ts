import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/** Core tables of SPEC §3. RLS policies and grants come in the next migrations. */
export function schema(_roles: RoleNames) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table tenants (
          id text primary key check (id ~ '^[a-z0-9]{6}$' or id = 'main'),
          name text not null check (length(name) between 1 and 200),
          status text not null default 'active' check (status in ('active', 'suspended', 'archived')),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );

        create table users (
          id uuid primary key default gen_random_uuid(),
          email text not null check (email = lower(email) and length(email) between 3 and 320),
          name text not null default '' check (length(name) <= 200),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint users_email_key unique (email)
        );

        create table passwords (
          user_id uuid primary key references users (id) on delete cascade,
          hash text not null,
          updated_at timestamptz not null default now()
        );

        create table sessions (
          id uuid primary key default gen_random_uuid(),
          secret text not null unique,
          user_id uuid not null references users (id) on delete cascade,
          expires_at timestamptz not null,
          user_agent text,
          ip text,
          created_at timestamptz not null default now()
        );
        create index sessions_user_id_idx on sessions (user_id);
        create index sessions_expires_at_idx on sessions (expires_at);

        create table tokens (
          id uuid primary key default gen_random_uuid(),
          secret text not null unique,
          type text not null check (type in ('invitation', 'password_reset', 'email_verification')),
          email text not null,
          user_id uuid references users (id) on delete cascade,
          expires_at timestamptz not null,
          consumed_at timestamptz,
          created_at timestamptz not null default now()
        );
        create index tokens_expires_at_idx on tokens (expires_at);

        create table system_roles (
          user_id uuid primary key references users (id) on delete cascade,
          role text not null check (role in ('admin')),
          created_at timestamptz not null default now()
        );

        create table organizations (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null references tenants (id),
          name text not null check (length(name) between 1 and 200),
          slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint organizations_tenant_slug_key unique (tenant_id, slug),
          constraint organizations_tenant_id_id_key unique (tenant_id, id)
        );

        create table memberships (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null,
          organization_id uuid not null,
          user_id uuid not null references users (id) on delete cascade,
          role text not null check (role in ('admin', 'member')),
          display_order integer not null default 0,
          archived boolean not null default false,
          muted boolean not null default false,
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint memberships_tenant_user_org_key unique (tenant_id, user_id, organization_id),
          constraint memberships_organization_fkey foreign key (tenant_id, organization_id)
            references organizations (tenant_id, id) on delete cascade
        );
        -- Policies look memberships up by (organization, user) and by user.
        create index memberships_org_user_idx on memberships (organization_id, user_id) include (role);
        create index memberships_user_idx on memberships (user_id);

        create table inactive_memberships (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null,
          organization_id uuid not null,
          email text not null,
          user_id uuid references users (id) on delete cascade,
          token_id uuid references tokens (id) on delete cascade,
          role text not null check (role in ('admin', 'member')),
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          constraint inactive_memberships_tenant_org_email_key unique (tenant_id, organization_id, email),
          constraint inactive_memberships_organization_fkey foreign key (tenant_id, organization_id)
            references organizations (tenant_id, id) on delete cascade
        );
        create index inactive_memberships_user_idx on inactive_memberships (user_id);
        create index inactive_memberships_token_idx on inactive_memberships (token_id);

        create table pages (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null,
          organization_id uuid not null,
          title text not null check (length(title) between 1 and 500),
          content text not null default '',
          status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
          public_access boolean not null default false,
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint pages_organization_fkey foreign key (tenant_id, organization_id)
            references organizations (tenant_id, id) on delete cascade
        );
        create index pages_org_created_idx on pages (organization_id, created_at desc, id);
        create index pages_public_idx on pages (tenant_id, created_at desc) where public_access and status = 'published';

        create table attachments (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null,
          organization_id uuid not null,
          filename text not null check (length(filename) between 1 and 255),
          content_type text not null,
          size bigint not null check (size >= 0),
          key text not null,
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          constraint attachments_organization_fkey foreign key (tenant_id, organization_id)
            references organizations (tenant_id, id) on delete cascade
        );
        create index attachments_org_created_idx on attachments (organization_id, created_at desc, id);

        -- The change log. id is the cursor: a fixed-width string that sorts in commit order.
        create table activities (
          id text primary key,
          tenant_id text not null references tenants (id),
          organization_id uuid,
          entity_type text not null,
          entity_id text not null,
          action text not null check (action in ('create', 'update', 'delete')),
          seq bigint,
          changed_fields text[],
          created_at timestamptz not null default now()
        );
        create index activities_tenant_id_idx on activities (tenant_id, id);
        create index activities_org_id_idx on activities (organization_id, id);

        create table counters (
          key text primary key check (key ~ '^[^:]+:[^:]*:.+$'),
          value bigint not null default 0
        );

        create table rate_limits (
          key text primary key,
          count integer not null,
          reset_at timestamptz not null
        );
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`
        drop table rate_limits, counters, activities, attachments, pages, inactive_memberships,
          memberships, organizations, system_roles, tokens, sessions, passwords, users, tenants;
      `.execute(db)
    },
  }
}
