def delete_account(user, account):
    # ruleid: assert-for-authorization
    assert user.is_admin, "admins only"
    # ruleid: assert-for-authorization
    assert user.has_perm("accounts.delete")
    # ruleid: assert-for-authorization
    assert can_delete(user, account)
    # ok: assert-for-authorization
    assert account.id is not None
    # ok: assert-for-authorization
    assert isinstance(account.balance, int), "balance must be an int"
    account.delete()


def can_delete(user, account):
    return user.id == account.owner_id
