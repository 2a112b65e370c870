@echo off
rem run-tests.cmd [-arch x86_64^|i686] PEER_ADDR PEER_DIR [GROUP...]
rem
rem Runs the conformance groups on this Windows machine against the test
rem peer started on another host with peer\start-peer.sh (README-WINDOWS.txt).
rem   PEER_ADDR  the peer host's address (as given to start-peer.sh --listen)
rem   PEER_DIR   a directory holding the peer's peer.env and ca.cer
rem   GROUP...   groups to run (default: all, from conformance.exe --list)
rem Each group runs as its own process; everything they print goes to
rem results-ARCH.log in the current directory, with one "site:" line per
rem check (TEST_SITES), for tools\compare-runs.sh against a run under Wine.
rem The test CA is added to the current user's Root store with certutil for
rem the run and removed at the end (Windows asks to confirm the addition);
rem set NO_CA_IMPORT=1 to leave the store alone (the TLS checks then fail).
setlocal EnableExtensions EnableDelayedExpansion
set "HERE=%~dp0"
set "ARCH=x86_64"
if /i not "%~1"=="-arch" goto noarch
set "ARCH=%~2"
shift
shift
:noarch
set "PEER_HOST=%~1"
set "PEERDIR=%~2"
if "%PEER_HOST%"=="" goto usage
if "%PEERDIR%"=="" goto usage
set "EXE=%HERE%%ARCH%\conformance.exe"
if not exist "%EXE%" (
    echo run-tests: %EXE% not found
    exit /b 2
)
if not exist "%PEERDIR%\peer.env" (
    echo run-tests: %PEERDIR%\peer.env not found: copy it from the peer host, where start-peer.sh wrote it
    exit /b 2
)
for /f "usebackq eol=# tokens=1,* delims==" %%a in ("%PEERDIR%\peer.env") do set "%%a=%%b"
if "%PEER_WS_PORT%"=="" (
    echo run-tests: %PEERDIR%\peer.env has no PEER_WS_PORT
    exit /b 2
)
set TEST_SITES=1
shift
shift
set "GROUPS="
:grp
if "%~1"=="" goto grpdone
set "GROUPS=!GROUPS! %~1"
shift
goto grp
:grpdone
if not defined GROUPS for /f %%g in ('call "%EXE%" --list') do set "GROUPS=!GROUPS! %%g"
if not defined GROUPS (
    echo run-tests: "%EXE% --list" printed no groups
    exit /b 2
)
echo run-tests: %ARCH%\conformance.exe, peer %PEER_HOST% ^(%PEER_NAME%^), ws port %PEER_WS_PORT%

set "CA_ADDED="
if defined NO_CA_IMPORT (
    echo run-tests: NO_CA_IMPORT set: the test CA is not added
    goto ca_done
)
if not exist "%PEERDIR%\ca.cer" (
    echo run-tests: no ca.cer in %PEERDIR%: the TLS checks will fail
    goto ca_done
)
certutil -user -addstore Root "%PEERDIR%\ca.cer" >nul 2>&1
if errorlevel 1 (
    echo run-tests: certutil -user -addstore Root failed: the TLS checks will fail
    goto ca_done
)
set CA_ADDED=1
echo run-tests: certutil -user -addstore Root ca.cer: done ^(removed at the end^)
:ca_done

set "LOG=%CD%\results-%ARCH%.log"
type nul >"%LOG%"
set /a TOTAL_P=0, TOTAL_F=0, TOTAL_S=0
for %%g in (%GROUPS%) do call :rungroup %%g

if defined CA_ADDED (
    certutil -user -delstore Root "winhttp-wine test CA" >nul 2>&1
    echo run-tests: test CA removed from the current user's Root store
)
echo conformance: %TOTAL_P% passed, %TOTAL_F% failed
echo run-tests: output in %LOG%
if "%TOTAL_F%"=="0" exit /b 0
exit /b 1

rem rungroup GROUP: runs one group, appends its output to the log, adds its counts
:rungroup
set "G=%~1"
set "GLOG=%TEMP%\winhttp-winetest-%G%.log"
"%EXE%" %G% >"%GLOG%" 2>&1
set "RC=%errorlevel%"
type "%GLOG%" >>"%LOG%"
set "P="
set "F="
set "S="
for /f "usebackq tokens=1-7 delims=:, " %%a in ("%GLOG%") do (
    if "%%a"=="%G%" if "%%c"=="passed" if "%%e"=="failed" (
        set "P=%%b"
        set "F=%%d"
        set "S=%%f"
    )
)
del "%GLOG%" >nul 2>&1
if not defined P (
    set /a TOTAL_F+=1
    echo   %G%: no result line ^(exit status %RC%^)
    echo %G%: no result line, exit status %RC% >>"%LOG%"
    goto :eof
)
set /a TOTAL_P+=P, TOTAL_F+=F, TOTAL_S+=S
set "ST=ok"
if not "%F%"=="0" set "ST=FAILED"
echo   %G%: %P% passed, %F% failed, %S% skipped  %ST%
goto :eof

:usage
echo usage: run-tests.cmd [-arch x86_64^|i686] PEER_ADDR PEER_DIR [GROUP...]
exit /b 2
