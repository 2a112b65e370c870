#!/bin/sh
# Build each codec libFuzzer target into build/fuzz/ and run it for
# FUZZ_SECONDS (default 20) with -max_len=4096.  A target passes if it ran its
# time without a crash.  Ends with "fuzz: N passed, N failed"; exits non-zero
# if any target failed to build or crashed.
top="$(cd "$(dirname "$0")/../.." && pwd)"
out="$top/build/fuzz"
secs="${FUZZ_SECONDS:-20}"
cc="${FUZZ_CC:-clang}"
targets="fuzz_ws_frame fuzz_http fuzz_url fuzz_date fuzz_auth fuzz_cookie"
passed=0
failed=0

mkdir -p "$out"

seed() { # seed TARGET NAME printf-format
    mkdir -p "$out/corpus_$1"
    printf "$3" > "$out/corpus_$1/$2"
}

seed fuzz_ws_frame hello '\001\201\005Hello'
seed fuzz_ws_frame masked '\000\201\2057\372!=\177\237MQX'
seed fuzz_ws_frame frag '\001\001\003Hel\200\002lo\211\000'
seed fuzz_ws_frame close '\001\210\010\003\350bye\303\251'
seed fuzz_ws_frame len16 '\001\202\176\000\004abcd'
seed fuzz_ws_frame len64 '\001\202\177\000\000\000\000\000\000\000\002ab'
seed fuzz_ws_frame utf8 '\000\316\272\341\275\271\317\203\355\237\277\364\217\277\277'
seed fuzz_http head '\005HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 12\r\n\r\n'
seed fuzz_http chunked '\0035;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\nrest'
seed fuzz_http chunked2 '\021a\r\n0123456789\r\n0\n\n'
seed fuzz_date imf '\001Sun, 06 Nov 1994 08:49:37 GMT'
seed fuzz_date rfc850 '\001Sunday, 06-Nov-94 08:49:37 GMT'
seed fuzz_date asctime '\001Sun Nov  6 08:49:37 1994'
seed fuzz_date states '\000\003\013\205\006\000\001\002\207'
seed fuzz_auth multi 'Bearer, Basic realm="placebo", NTLM, Negotiate YIIFyQ=='
seed fuzz_auth digest 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b71", opaque="5ccc"'
seed fuzz_auth quoted 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Digest realm=r, nonce=n, algorithm=SHA-256-sess, qop=auth'
seed fuzz_cookie date '\001Wed, 13 Jan 2021 22:23:01 GMT'
seed fuzz_cookie jar '\000www.example.com\n/a/b\nname = value \nd=1; Domain=.example.com; Path=/; Secure\nm=2; Max-Age=5; Expires=Sun, 06 Nov 1994 08:49:37 GMT\n>/a/c\n++++++\n>s/\nd=; Max-Age=0; Domain=example.com; Path=/'
seed fuzz_url plain '\000http://user:pass@example.com:8080/path/x?q=1#frag'
seed fuzz_url v6 '\000https://[::1]:443/a%20b'
seed fuzz_url wide '\001h\000t\000t\000p\000:\000/\000/\000h\000/\000\351\000'

for t in $targets; do
    log="$out/$t.log"
    if ! "$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$top/include" \
            -o "$out/$t" "$top/tests/fuzz/$t.c" "$top"/dlls/winhttp/codec/*.c >"$log" 2>&1; then
        cat "$log"
        echo "$t: build failed (clang with libFuzzer is needed)"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$out/corpus_$t" "$out/crashes_$t"
    if (cd "$out/crashes_$t" && "$out/$t" -max_total_time="$secs" -max_len=4096 -timeout=10 \
            -print_final_stats=1 "$out/corpus_$t") >>"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "$t: ok (${runs:-?} runs in ${secs}s)"
        passed=$((passed + 1))
    else
        tail -n 40 "$log"
        echo "$t: CRASH (reproducer in $out/crashes_$t)"
        failed=$((failed + 1))
    fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
