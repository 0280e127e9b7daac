/** The messages Strata sends; plain text and a minimal HTML twin. */

export interface Mail {
  to: string
  subject: string
  text: string
  html: string
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function compose(to: string, subject: string, lines: string[], link?: { href: string; label: string }): Mail {
  const text = [...lines, ...(link ? ['', `${link.label}: ${link.href}`] : [])].join('\n')
  const html = [
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`] : []),
  ].join('\n')
  return { to, subject, text, html }
}

export function invitationMail(input: {
  to: string
  organizationName: string
  inviterName: string
  role: string
  /** Present for people without an account: the token to sign up with. */
  signUpUrl?: string
  acceptUrl?: string
}): Mail {
  const intro = `${input.inviterName} invited you to join ${input.organizationName} as ${input.role}.`
  return input.signUpUrl
    ? compose(input.to, `Join ${input.organizationName} on Strata`, [intro, 'Create your account with this invitation (valid 7 days).'],
      { href: input.signUpUrl, label: 'Accept the invitation' })
    : compose(input.to, `Invitation to ${input.organizationName}`, [intro, 'Accept or decline it from your pending invitations.'],
      input.acceptUrl ? { href: input.acceptUrl, label: 'See the invitation' } : undefined)
}

export function memberAddedMail(input: { to: string; organizationName: string; memberEmail: string }): Mail {
  return compose(input.to, `${input.memberEmail} joined ${input.organizationName}`,
    [`${input.memberEmail} accepted your invitation and is now a member of ${input.organizationName}.`])
}

export function emailVerificationMail(input: { to: string; verifyUrl: string }): Mail {
  return compose(input.to, 'Verify your email for Strata',
    ['Confirm that this address is yours (the link works once, for 24 hours).', 'If you did not sign up for Strata, ignore this mail.'],
    { href: input.verifyUrl, label: 'Verify my email' })
}
