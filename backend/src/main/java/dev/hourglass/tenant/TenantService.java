package dev.hourglass.tenant;

import dev.hourglass.security.Caller;
import java.util.List;
import java.util.UUID;

/**
 * Tenants and who belongs to them. Every method takes the caller explicitly and checks the caller's
 * role in the tenant itself; a hidden button is never the only guard.
 *
 * <p>Methods throw {@link dev.hourglass.common.AccessDeniedException} when the caller may not do it
 * (with the same message for a foreign and a missing tenant) and {@link
 * dev.hourglass.common.UserFacingException} for a refused request, each saying what to do.
 */
public interface TenantService {

  /**
   * Records that the caller signed in, refreshing the name and mail the provider gave, and writes
   * the sign-in (with {@link Caller#address()}) into the audit of each of the caller's teams.
   */
  void recordSignIn(Caller caller);

  /** The caller's tenants, by name. Empty for a person who has not created or joined one. */
  List<Membership> membershipsOf(Caller caller);

  /** The caller's membership in {@code tenant}. */
  Membership membership(Caller caller, TenantId tenant);

  /** Creates a tenant with the caller as its owner, in one transaction. */
  Membership createTenant(Caller caller, TenantName name);

  /** Renames the tenant; admins and owners. */
  Tenant rename(Caller caller, TenantId tenant, TenantName name);

  /** The tenant's members, owners first, then by name; any member may look. */
  List<Member> members(Caller caller, TenantId tenant);

  /**
   * Gives a member another role; admins and owners. Only owners make or unmake owners, and the last
   * owner keeps the role.
   */
  void changeRole(Caller caller, TenantId tenant, String subject, Role role);

  /** Removes a member; admins and owners, only owners remove owners, never the last owner. */
  void removeMember(Caller caller, TenantId tenant, String subject);

  /** The caller leaves the tenant; the last owner cannot. */
  void leave(Caller caller, TenantId tenant);

  /**
   * Invites {@code email} with {@code role} and mails them a link; admins and owners, only owners
   * invite owners. Nothing is saved when the mail cannot be sent.
   */
  Invitation invite(Caller caller, TenantId tenant, EmailAddress email, Role role);

  /** Invitations neither accepted, revoked nor expired; admins and owners. */
  List<Invitation> openInvitations(Caller caller, TenantId tenant);

  /** Revokes an open invitation; its link stops working. Admins and owners. */
  void revokeInvitation(Caller caller, TenantId tenant, UUID invitation);

  /** What the link with {@code token} offers the caller, and why it cannot be used if so. */
  InvitationPreview previewInvitation(Caller caller, String token);

  /** Joins the tenant the link offers, with its role. */
  Membership acceptInvitation(Caller caller, String token);
}
