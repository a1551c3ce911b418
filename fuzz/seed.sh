#!/usr/bin/env bash
# fuzz/seed.sh: fills fuzz/corpus/<target>/ with seed inputs for the fuzz
# targets (docs/fuzzing.md), from the shared CloudTrail corpus
# (../shared/corpus beside the checkout, i.e. /work/shared/corpus), the
# bundled sample (assets/sample), the query examples of
# docs/query-language.md and a few hand-made cases. Seeds are named by
# their SHA-1, so running it again adds nothing twice. The corpus folders
# are not committed (fuzz/.gitignore); the fuzzer adds to them as it runs.
#
# Input formats (see each target's doc comment):
#   load_file      a file's bytes; a first byte 0x01..0x07 picks gzip, a
#                  .csv name, a digest name, ... (trailview_fuzz::FileMode)
#   record_reader  text holding JSON records
#   query          query text
#   digest         a flags byte, then a digest's uncompressed content
#   csv_roundtrip  six strings separated by 0xFF bytes
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$FUZZ_DIR/.." && pwd)
SHARED=${SHARED_CORPUS:-$ROOT/../shared/corpus}
SAMPLE=$ROOT/assets/sample
OUT=$FUZZ_DIR/corpus

for t in load_file record_reader query digest csv_roundtrip; do
  mkdir -p "$OUT/$t"
done

# put TARGET: stores standard input as one seed of TARGET (empty input and
# inputs over 1 MiB are skipped).
put() {
  local tmp sum
  tmp=$(mktemp)
  cat >"$tmp"
  local size
  size=$(wc -c <"$tmp")
  if [ "$size" -gt 0 ] && [ "$size" -le 1048576 ]; then
    sum=$(sha1sum "$tmp" | cut -d' ' -f1)
    mv "$tmp" "$OUT/$1/$sum"
  else
    rm -f "$tmp"
  fi
}

# The uncompressed content of a file (gzip or not).
content() {
  if [ "$(head -c2 "$1" | od -An -tx1 | tr -d ' \n')" = "1f8b" ]; then
    gzip -dc "$1" 2>/dev/null || true
  else
    cat "$1"
  fi
}

files=()
if [ -d "$SHARED" ]; then
  while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find "$SHARED" -type f ! -name 'LICENSE*' ! -name NOTICE -print0 | sort -z
  )
else
  echo "seed.sh: no shared corpus at $SHARED; seeding from the sample and hand-made cases only" >&2
fi
if [ -d "$SAMPLE" ]; then
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$SAMPLE" -type f -print0 | sort -z)
fi

for f in "${files[@]}"; do
  lower=$(printf '%s' "$f" | tr '[:upper:]' '[:lower:]')
  # load_file: the file as it is, as gzip made by the target (mode 1),
  # CSV under a .csv name (mode 2), digests under a digest name (mode 4).
  put load_file <"$f"
  size=$(content "$f" | wc -c)
  if [ "$size" -le 262144 ]; then
    { printf '\x01'; content "$f"; } | put load_file
    { printf '\x06'; content "$f"; } | put load_file
  fi
  case $lower in
    *.csv | *.tsv) { printf '\x02'; content "$f"; } | put load_file ;;
  esac
  # record_reader: the decoded text, cut to the target's -max_len, and the
  # single records (with jq, when it is installed).
  case $lower in
    *.json | *.json.gz | *.gz | *.log | *.ndjson | *.jsonl)
      { content "$f" || true; } | head -c 65536 | put record_reader
      ;;
  esac
  # digest: every file with "digest" in its path, plain and gzip, alone,
  # with the trail's first digest, and with a next digest (flags byte).
  case $lower in
    *digest*)
      { printf '\x04'; content "$f"; } | put load_file
      for flags in '\x00' '\x01' '\x03' '\x07' '\x0f'; do
        { printf "$flags"; content "$f"; } | put digest
      done
      ;;
  esac
done

if command -v jq >/dev/null; then
  # Up to 400 distinct single records, compact, from the JSON files.
  for f in "${files[@]}"; do
    case $f in *.json | *.json.gz) ;; *) continue ;; esac
    content "$f" | jq -c '(.Records? // .)? | if type == "array" then .[] else . end' 2>/dev/null || true
  done | awk 'length($0) < 65536 && !seen[$0]++' | head -n 400 | while IFS= read -r rec; do
    printf '%s' "$rec" | put record_reader
  done || true # head stops the pipeline early on purpose
else
  echo "seed.sh: jq not found; record_reader gets whole files only" >&2
fi

# load_file: the hostile classes of issue 12, made here (nothing copied):
# a gzip whose trailer claims ~2 GB, the same cut short and with trailing
# bytes, and short units repeated to megabytes of text (mode 7: three size
# bytes, then the unit): millions of tiny records, records past the text
# limit, records without eventID (no duplicates dropped: the memory budget).
if command -v python3 >/dev/null; then
  python3 - "$OUT/load_file" <<'PY'
import gzip, hashlib, os, struct, sys
out = sys.argv[1]
def put(data):
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
body = b'{"Records":[{"eventName":"A","eventID":"1"}]}'
lying = bytearray(gzip.compress(body))
lying[-4:] = struct.pack("<I", 0x7FF00000)
put(bytes(lying))
put(bytes(lying[:-6]))
put(bytes(lying) + b"\x00garbage")
put(bytes(lying) + bytes(lying))
for size, unit in [
    (3 << 20, b"{}\n"),
    (3 << 20, b'{"eventName":"A"}\n'),
    ((4 << 20) - 64, b'{"eventName":"A"}\n'),
    (3 << 20, b'{"eventSource":"s","eventName":"A"},'),
    (2 << 20, b'{"Records":[{"eventID":"1"}]}\n'),
    (8 << 20, b"{\"eventName\":\"x\",\"requestParameters\":{\"a\":[[[[1]]]]}}\r\n"),
]:
    put(bytes([7]) + size.to_bytes(3, "big") + unit)
PY
else
  echo "seed.sh: python3 not found; no hand-made hostile gzip seeds" >&2
fi

# record_reader: the hand-made cases of record_scan_tests.rs.
while IFS= read -r rec; do
  printf '%s' "$rec" | put record_reader
done <<'EOF'
{}
{ "eventName" : "A" , "x" : [ 1 , { } , [ ] ] }
{"eventName":"A\"B","readOnly":true,"awsRegion":null,"errorCode":false}
{"sourceIPAddress":["81.2.69.142","192.168.10.10"],"eventID":12,"eventType":-1.5e3}
{"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":"r","arn":"a"},"attributes":{"mfaAuthenticated":"true"}},"onBehalfOf":{"userId":"u"}}}
{"userIdentity":null,"additionalEventData":{"UserName":"bob","x":{"y":[null]}}}
{"requestParameters":{"policy":"{\"Version\":\"2012-10-17\"}","n":[0,-0.5,1E+2]}}
{"eventName":"é€😀","userAgent":"\u00e9"}
{"eventName":"A","eventName":"B"}
{"event\u004eame":"A"}
{"userIdentity":{"type":"a","type":"b"}}
{"eventName":"\uD800"}
{"eventTime":1e400}
{"x":01}
[{"x":1},{"eventName":"next"}]
  {"eventName":"X"},{"eventName":"Y"}]}
EOF

# query: every inline code span and the examples of the query language
# doc, and hand-made edge cases.
DOC=$ROOT/docs/query-language.md
if [ -f "$DOC" ]; then
  grep -o '`[^`]*`' "$DOC" | sed 's/^`//; s/`$//' | sort -u | while IFS= read -r q; do
    printf '%s' "$q" | put query
  done
  # The "examples:" block of the one-screen help.
  awk '/^examples:/{on=1; next} on && /^```/{on=0} on && NF' "$DOC" | sed 's/^ *//' |
    while IFS= read -r q; do printf '%s' "$q" | put query; done
fi
while IFS= read -r q; do
  printf '%s' "$q" | put query
done <<'EOF'
name:ConsoleLogin -error:*
source:s3.amazonaws.com readOnly:false (name:Put* OR name:Delete*)
time:2024-03-01..2024-03-02 cred:role-session
time:>=2024-03-01T12:00Z ip:81.2.69.142
additionalEventData.bytesTransferredOut:>1000000
requestParameters.durationSeconds:1..7200
resources.0.ARN:*logs* OR resources.ARN:/^arn:aws:s3/
name:(CreateUser OR DeleteUser) NOT (error:* OR readOnly:true)
"assumed-role/Admin" /AKIA[0-9A-Z]{16}/ Get*Policy
requestParameters.deep.0.0.k:1 insightDetails.insightContext.statistics.insight.average:>10
tag:exfil has:note is:starred integrity:valid
((((((((((name:a))))))))))
NOT NOT NOT -a
actor:arn:aws:iam::123456789012:root agent:"aws-cli/2.15 Python/3.11"
eventName:"Unicode é€😀" mfa:true console:true
EOF

# digest: the trail's first digest D0's successor, valid with every
# placeholder filled in (flags 0x0f: gzip, keys, D0, next digest), and a
# copy with a broken signature.
for sig in '@@D0_SIGNATURE@@' 'abcd'; do
  for flags in '\x07' '\x0f'; do
    {
      printf "$flags"
      printf '%s' '{"awsAccountId":"111122223333","digestStartTime":"2024-01-01T01:00:00Z","digestEndTime":"2024-01-01T02:00:00Z","digestS3Bucket":"evidence-bucket","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/111122223333_CloudTrail-Digest_us-east-1_main-trail_us-east-1_20240101T020000Z.json.gz","digestPublicKeyFingerprint":"@@FINGERPRINT@@","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2024-01-01T01:30:00Z","oldestEventTime":"2024-01-01T01:10:00Z","previousDigestS3Bucket":"evidence-bucket","previousDigestS3Object":"@@D0_KEY@@","previousDigestHashValue":"@@D0_SHA256@@","previousDigestHashAlgorithm":"SHA-256","previousDigestSignature":"'"$sig"'","logFiles":[{"s3Bucket":"evidence-bucket","s3Object":"@@LOG_KEY@@","hashValue":"@@LOG_SHA256@@","hashAlgorithm":"SHA-256","newestEventTime":"2024-01-01T00:10:00Z","oldestEventTime":"2024-01-01T00:10:00Z"}]}'
    } | put digest
  done
done
printf '\x03{"digestS3Object":"k","logFiles":[{"s3Object":"a","hashValue":"zz"},1,null]}' | put digest
printf '\x00{"logFiles":"x","digestEndTime":"2025-10-21TT00:52:27Z","previousDigestSignature":"xyz"}' | put digest

# csv_roundtrip: eventName, userAgent, requestParameters.x,
# sourceIPAddress, errorCode, awsRegion, separated by 0xFF.
while IFS= read -r line; do
  # '|' in the here-document stands for the 0xFF separator.
  printf '%s' "$line" | tr '|' '\377' | put csv_roundtrip
done <<'EOF'
GetObject|aws-cli/2.15.0|logs|81.2.69.142|AccessDenied|us-east-1
=HYPERLINK("http://x","y")|+cmd|-2+3|@SUM(A1)|	tab|
 =1+1|   +1|　＝1|＋1|－1|＠SUM(A1)
"quoted, with comma"|line
break|'already|−1|﻿=bom|​=zwsp
‮@rtl|⁠+wj|­=shy|\u0000|a"b""c|,,,
EOF
printf 'x\r=1\xffy\r\n+2\xff\x00=\xff\x0b-1\xff\x0c@\xff\x1b=' | put csv_roundtrip

for t in load_file record_reader query digest csv_roundtrip; do
  printf 'seed.sh: %-14s %5d seeds\n' "$t" "$(find "$OUT/$t" -type f | wc -l)"
done
