def find_user(cursor, name, user_id, table):
    # ruleid: sql-built-from-strings
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: sql-built-from-strings
    cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)
    # ruleid: sql-built-from-strings
    cursor.execute("DELETE FROM " + table)
    # ruleid: sql-built-from-strings
    cursor.execute("SELECT * FROM {} LIMIT 1".format(table))
    # ok: sql-built-from-strings
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    # ok: sql-built-from-strings
    cursor.execute("SELECT count(*) FROM users")
    return cursor.fetchall()
