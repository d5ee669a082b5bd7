"""One template per product is no family; two releases of one product's script are."""

from __future__ import annotations

from pathlib import Path

from familykit import families_of
from runbook_lib.similarity.products import folder_words, named, statement_words, two_products

# One product's image build; PRODUCT_STEPS is where each product's copy was edited.
BUILD = """#!/bin/bash
# Build the container image of one release.
set -euo pipefail
VERSION="${1:?give the release}"
cd "$VERSION"
sha256sum --quiet -c packages.sha256
PRODUCT_STEPS
BUILD_START=$(date +%s)
docker build --pull --force-rm -t "$IMAGE" -f Dockerfile .
BUILD_END=$(date +%s)
docker image inspect "$IMAGE" --format '{{.Size}}'
"""

BILLING = """IMAGE="acme/billing:$VERSION"
RATES_URL="https://rates.example.org/billing/current.csv"
curl -fsSL -o rates.csv "$RATES_URL"
install -m 0644 rates.csv conf/billing-rates.csv
gzip -kf conf/billing-rates.csv
openssl dgst -sha256 conf/billing-rates.csv.gz > conf/billing-rates.sum
chmod 0444 conf/billing-rates.sum
TAX_TABLE="conf/tax-$(date +%Y).json"
jq -e '.regions | length > 0' "$TAX_TABLE" >/dev/null
python3 tools/check_invoices.py --templates templates/invoices --strict
for locale in en_GB de_DE fr_FR; do
  msgfmt -o "locale/$locale/billing.mo" "locale/$locale/billing.po"
done
cp -r templates/invoices conf/invoice-templates
find conf -name '*.tmp' -delete
echo "billing rates of $(date +%F) packed into the image"
"""
LEDGER = """IMAGE="acme/ledger:$VERSION"
psql --version >/dev/null || { echo "psql is needed to check the ledger schema"; exit 1; }
pg_dump --schema-only --no-owner --file sql/schema.sql "$LEDGER_DSN"
sed -i -e '/^--/d' -e '/^SET /d' sql/schema.sql
tar -czf sql/schema.tgz -C sql schema.sql
rm -f sql/schema.sql
ln -sf schema.tgz sql/ledger-schema.tgz
MIGRATIONS=$(ls migrations/*.sql | wc -l)
[ "$MIGRATIONS" -gt 0 ] || { echo "no ledger migrations found"; exit 1; }
flyway -locations=filesystem:migrations info > sql/migrations.txt
while read -r account; do
  grep -q "^$account," seed/accounts.csv || echo "missing account $account"
done < seed/chart-of-accounts.txt
xz -9 seed/accounts.csv
stat -c '%s %n' seed/accounts.csv.xz
echo "ledger schema of $LEDGER_DSN packed into the image"
"""
# the same edit as LEDGER without naming a product: the image name is passed in
PASSED_IN = LEDGER.replace("acme/ledger", "$IMAGE_NAME").replace("ledger", "main").replace(
    "LEDGER", "MAIN")


def test_one_template_per_product_is_no_family(tmp_path: Path) -> None:
    both = {"AcmeBilling/buildImage.sh": BUILD.replace("PRODUCT_STEPS", BILLING),
            "AcmeLedger/buildImage.sh": BUILD.replace("PRODUCT_STEPS", LEDGER)}
    assert families_of(tmp_path / "both", both, copies=False) == []


def test_a_copy_that_names_no_product_stays_in_the_family(tmp_path: Path) -> None:
    # only the billing copy names its product: the other could stand in for it
    one = {"AcmeBilling/buildImage.sh": BUILD.replace("PRODUCT_STEPS", BILLING),
           "AcmeLedger/buildImage.sh": BUILD.replace("PRODUCT_STEPS", PASSED_IN)}
    assert families_of(tmp_path / "one", one, copies=False) == [set(one)]


def test_a_folder_named_once_in_passing_is_no_product(tmp_path: Path) -> None:
    # ops/ and scripts/ each named once (a bucket, a shared helper's path): the same family
    once = {"ops/buildImage.sh": BUILD.replace("PRODUCT_STEPS", PASSED_IN + (
                "aws s3 cp sql/schema.tgz s3://ops-dumps/\n")),
            "scripts/buildImage.sh": BUILD.replace("PRODUCT_STEPS", BILLING + (
                '/opt/app/scripts/notify.sh "image built"\n'))}
    assert families_of(tmp_path / "once", once, copies=False) == [set(once)]
    # named twice on each side: one template per folder
    twice = {path: text.replace("s3://ops-dumps/", "s3://ops-dumps/ # ops\necho ops").replace(
                 '"image built"', '"image built"\necho scripts') for path, text in once.items()}
    assert families_of(tmp_path / "twice", twice, copies=False) == []


def test_two_releases_of_one_product_are_a_family(tmp_path: Path) -> None:
    # the paths part at the release folder, whose words (numbers) are no product
    releases = {"AcmeLedger/2.4/buildImage.sh": BUILD.replace("PRODUCT_STEPS", BILLING.replace(
                    "billing", "ledger")),
                "AcmeLedger/3.0/buildImage.sh": BUILD.replace("PRODUCT_STEPS", LEDGER)}
    assert families_of(tmp_path / "releases", releases, copies=False) == [set(releases)]


def test_product_words_are_the_parting_folder_and_its_initials() -> None:
    assert folder_words("OracleHttpServer/dockerfiles/build.sh",
                        "OracleAccessManagement/dockerfiles/build.sh") == {"http", "server", "ohs"}
    assert folder_words("a/12.2/x.sh", "a/14.1/x.sh") == set()
    assert folder_words("a/x.sh", "a/b/x.sh") == set()


def test_imports_name_no_product() -> None:
    # two tests, each importing its subject from its own folder: nothing else names the folder
    test_a = ("from bq_bench.tools import schema_util\nfrom bq_bench.rows import sample\n"
              "schema_util.check(sample())\n")
    test_b = ("import data_generator.schema_util as su\nfrom data_generator import rows\n"
              "su.check(rows.ALL)\n")
    words_a, words_b = (statement_words(t, "python") for t in (test_a, test_b))
    own_a = folder_words("bq_bench/tests/test_util.py", "data_generator/tests/test_util.py")
    own_b = folder_words("data_generator/tests/test_util.py", "bq_bench/tests/test_util.py")
    assert named(test_a, own_a) and named(test_b, own_b)
    assert not two_products(own_a, words_a, own_b, words_b)
    assert two_products(own_a, [*words_a, {"bench"}, {"bench"}],
                        own_b, [*words_b, {"generator"}, {"generator"}])
