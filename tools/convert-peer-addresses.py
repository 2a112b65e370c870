#!/usr/bin/env python3
"""convert-peer-addresses.py [--check] [DIR]: the peer's address in the
conformance tests (default DIR: tests/conformance) goes through
peer_host() / peer_name() (peer_addr.c), so that the Windows bundle can
point the tests at a peer on another host (README "Running the tests on
Windows").  Rewrites, in every .c file:
    L"127.0.0.1"  -> peer_host()        L"localhost"  -> peer_name()
    swprintf/snprintf(..., L"...127.0.0.1:%u...", a)   (likewise localhost)
        -> (..., L"...%ls:%u...", peer_host(), a)   when it is the first conversion
Lines that name the addresses for another reason are left alone (KEEP).
--check changes nothing, lists what would change and exits 1 if anything
would.  Prints the lines it cannot convert by itself (exit status 1)."""
import glob, os, re, sys

SKIP_FILES = {'test_crackurl.c', 'test_crackurl_windows.c', 'peer_addr.c'}
KEEP = ('wcsstr(info.lpszSubjectInfo, L"localhost")',  # the certificate's CN
        'expect_issuer = L"localhost"',                 # the self-signed one's issuer CN
        'L"127.0.0.1:3128"',                            # a proxy setting stored, never used
        'check_bypass(')                                # built from peer_host() by hand
ADDR = re.compile(r'(127\.0\.0\.1|localhost):%u')

def convert(line):
    """returns (new line, problem or None)"""
    if any(k in line for k in KEEP):
        return line, None
    m = re.search(r'(swprintf|snprintf)\([^;]*?"([^"]*)"', line)
    if m and ADDR.search(m.group(2)):
        fmt = m.group(2)
        hits = ADDR.findall(fmt)
        first = ADDR.search(fmt).start()
        if len(hits) != 1 or '%' in fmt[:first] or line[m.end(2):m.end(2) + 3] != '", ':
            return line, 'more than one address, or not the first conversion'
        fn = 'peer_host()' if hits[0] == '127.0.0.1' else 'peer_name()'
        line = line[:m.start(2)] + ADDR.sub('%ls:%u', fmt) + '", ' + fn + ', ' + line[m.end(2) + 3:]
    line = line.replace('L"127.0.0.1"', 'peer_host()').replace('L"localhost"', 'peer_name()')
    code = re.sub(r'/\*.*?(\*/|$)|//.*$', '', line).strip()
    if code.startswith('*') or not re.search(r'127\.0\.0\.1|localhost', code):
        return line, None
    return line, 'an address left in the code'

def main():
    args = sys.argv[1:]
    check = '--check' in args
    args = [a for a in args if a != '--check']
    top = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'conformance')
    changed = problems = 0
    for path in sorted(glob.glob(os.path.join(top, '*.c'))):
        if os.path.basename(path) in SKIP_FILES:
            continue
        with open(path) as f:
            lines = f.read().split('\n')
        out = []
        for n, line in enumerate(lines, 1):
            new, problem = convert(line)
            if problem:
                problems += 1
                print('%s:%d: by hand (%s): %s' % (os.path.basename(path), n, problem, line.strip()))
            if new != line:
                changed += 1
                if check:
                    print('%s:%d: %s' % (os.path.basename(path), n, line.strip()))
            out.append(new)
        if not check and out != lines:
            with open(path, 'w') as f:
                f.write('\n'.join(out))
    verb = 'to convert' if check else 'converted'
    print('convert-peer-addresses: %d line(s) %s, %d by hand' % (changed, verb, problems))
    return 1 if problems or (check and changed) else 0

sys.exit(main())
