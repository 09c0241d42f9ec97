"""The result cache follows replies and their reference data, not only the search index.

Filters and facets read replies_reply (result class, session, department, dates …) and the
tables it refers to; a change there need not change any search entry (a new result class
leaves the indexed text as it was), so the index generation of 0004 did not move and the
cache served the old counts and facets until its entries expired. The same deferred trigger
now moves the generation at the commit of any write to those tables too.
"""

from django.db import migrations

TABLES = (
    "replies_reply",
    "replies_reply_co_departments",
    "replies_session",
    "replies_department",
    "replies_departmentalias",
    "replies_sector",
    "replies_sectoralias",
    "replies_resultlabel",
)

FORWARD = "".join(
    f"""
CREATE CONSTRAINT TRIGGER {table}_generation
AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION replies_search_bump_generation();
CREATE TRIGGER {table}_generation_truncate
AFTER TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION replies_search_bump_generation();
"""
    for table in TABLES
)

BACKWARD = "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_generation ON {table};
DROP TRIGGER IF EXISTS {table}_generation_truncate ON {table};
"""
    for table in TABLES
)


class Migration(migrations.Migration):
    dependencies = [("replies", "0014_ratecounter")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
