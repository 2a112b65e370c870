#!/bin/sh
# make fuzz: builds the codec fuzz target with clang's libFuzzer and runs it
# for FUZZ_SECONDS (default 20) per codec seed set.  Ends with "N passed, N failed".
top="$(cd "$(dirname "$0")/../.." && pwd)"
out="$top/build/fuzz"
secs="${FUZZ_SECONDS:-20}"
mkdir -p "$out/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$top/include" \
    -o "$out/fuzz_codecs" "$top/tests/fuzz/fuzz_codecs.c" "$top"/dlls/winhttp/codec/*.c || {
    echo "fuzz: 0 passed, 1 failed (clang with libFuzzer is needed: apt-get install clang)"; exit 1; }
# seeds: one per codec
printf '\000\201\005Hello\210\002\003\350' > "$out/corpus/frames"
printf '\001h\303\251llo' > "$out/corpus/utf8"
printf '\002HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' > "$out/corpus/http"
printf '\003h\000t\000t\000p\000:\000/\000/\000h\000/\000' > "$out/corpus/url"
if "$out/fuzz_codecs" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 "$out/corpus" >"$out/log" 2>&1; then
    grep -E "stat::number_of_executed_units" "$out/log"
    echo "fuzz: 1 passed, 0 failed"
else
    tail -n 40 "$out/log"
    echo "fuzz: 0 passed, 1 failed"
    exit 1
fi
