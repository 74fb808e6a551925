
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'talkdesk-accounts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'talkdesk-accounts'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'talkdesk-accounts' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the organization''s accounts, walking every page')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the organization''s accounts, walking every page')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Count accounts per status (same filters as list)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare a saved JSON/JSONL export with the live list: added, removed, changed')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Record the whole organization in the history store (or a saved export)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'What changed between snapshots: added, removed, status and other changes')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'One account''s versions over time, from when to when')
            [CompletionResult]::new('trend', 'trend', [CompletionResultType]::ParameterValue, 'Count per status at the end of each day, week or month, with a chart')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect or create the config file')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Check the credentials against the API')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff) on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;list' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Keep only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Keep only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N matching accounts, fetching no page beyond them')
            [CompletionResult]::new('--page', '--page', [CompletionResultType]::ParameterName, 'Fetch only page N, no walking')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write to this file (atomically) instead of stdout; `-` is stdout')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)')
            [CompletionResult]::new('--per-page', '--per-page', [CompletionResultType]::ParameterName, 'Page size to ask for (1-100) [default: 50]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('--max-rate', '--max-rate', [CompletionResultType]::ParameterName, 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Table and csv: leave out the header row')
            [CompletionResult]::new('--no-formula-guard', '--no-formula-guard', [CompletionResultType]::ParameterName, 'csv: do not neutralise cells that a spreadsheet would run as formulas')
            [CompletionResult]::new('--bom', '--bom', [CompletionResultType]::ParameterName, 'csv: start with a UTF-8 byte-order mark (for Excel)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;ls' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Keep only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Keep only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N matching accounts, fetching no page beyond them')
            [CompletionResult]::new('--page', '--page', [CompletionResultType]::ParameterName, 'Fetch only page N, no walking')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write to this file (atomically) instead of stdout; `-` is stdout')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)')
            [CompletionResult]::new('--per-page', '--per-page', [CompletionResultType]::ParameterName, 'Page size to ask for (1-100) [default: 50]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('--max-rate', '--max-rate', [CompletionResultType]::ParameterName, 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Table and csv: leave out the header row')
            [CompletionResult]::new('--no-formula-guard', '--no-formula-guard', [CompletionResultType]::ParameterName, 'csv: do not neutralise cells that a spreadsheet would run as formulas')
            [CompletionResult]::new('--bom', '--bom', [CompletionResultType]::ParameterName, 'csv: start with a UTF-8 byte-order mark (for Excel)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;summary' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Count only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Count only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('--per-page', '--per-page', [CompletionResultType]::ParameterName, 'Page size to ask for (1-100) [default: 50]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('--max-rate', '--max-rate', [CompletionResultType]::ParameterName, 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;diff' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Compare only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Compare only these statuses (repeatable, comma-separated, case-insensitive)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('--per-page', '--per-page', [CompletionResultType]::ParameterName, 'Page size to ask for (1-100) [default: 50]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('--max-rate', '--max-rate', [CompletionResultType]::ParameterName, 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 1 when there are differences (like git diff)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;snapshot' {
            [CompletionResult]::new('--import', '--import', [CompletionResultType]::ParameterName, 'Record this saved `list -o json` or `-o jsonl` export instead of the live list')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'With --import: when the export was taken (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]')
            [CompletionResult]::new('--per-page', '--per-page', [CompletionResultType]::ParameterName, 'Page size to ask for (1-100) [default: 50]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('--max-rate', '--max-rate', [CompletionResultType]::ParameterName, 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;changes' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Changes at snapshots from this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Changes at snapshots up to this time (same forms as --since)')
            [CompletionResult]::new('--status-from', '--status-from', [CompletionResultType]::ParameterName, 'Only accounts that left this status (status changes and removals)')
            [CompletionResult]::new('--status-to', '--status-to', [CompletionResultType]::ParameterName, 'Only accounts that reached this status (status changes and additions)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Only this account (its id, or its name in any case)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;history' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; jsonl when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;trend' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back) [default: the first snapshot]')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Length of a period (UTC days, ISO weeks from Monday, calendar months)')
            [CompletionResult]::new('--plot', '--plot', [CompletionResultType]::ParameterName, 'Also write the chart as an SVG picture to this file (`-`: stdout, instead of the table)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (case-insensitive; json when --jq is given)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;config' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path in use (and whether it exists)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved settings with secrets redacted, and where each came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file (mode 0600)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;config;path' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;config;show' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;config;init' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path in use (and whether it exists)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved settings with secrets redacted, and where each came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file (mode 0600)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;config;help;path' {
            break
        }
        'talkdesk-accounts;config;help;show' {
            break
        }
        'talkdesk-accounts;config;help;init' {
            break
        }
        'talkdesk-accounts;config;help;help' {
            break
        }
        'talkdesk-accounts;auth' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Get a token and call the API once; report OK, the granted scopes and the token expiry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;auth;check' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;auth;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Get a token and call the API once; report OK, the granted scopes and the token expiry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;auth;help;check' {
            break
        }
        'talkdesk-accounts;auth;help;help' {
            break
        }
        'talkdesk-accounts;completions' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;manpage' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each request to stderr; twice adds headers (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'talkdesk-accounts;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the organization''s accounts, walking every page')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Count accounts per status (same filters as list)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare a saved JSON/JSONL export with the live list: added, removed, changed')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Record the whole organization in the history store (or a saved export)')
            [CompletionResult]::new('changes', 'changes', [CompletionResultType]::ParameterValue, 'What changed between snapshots: added, removed, status and other changes')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'One account''s versions over time, from when to when')
            [CompletionResult]::new('trend', 'trend', [CompletionResultType]::ParameterValue, 'Count per status at the end of each day, week or month, with a chart')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect or create the config file')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Check the credentials against the API')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff) on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'talkdesk-accounts;help;list' {
            break
        }
        'talkdesk-accounts;help;summary' {
            break
        }
        'talkdesk-accounts;help;diff' {
            break
        }
        'talkdesk-accounts;help;snapshot' {
            break
        }
        'talkdesk-accounts;help;changes' {
            break
        }
        'talkdesk-accounts;help;history' {
            break
        }
        'talkdesk-accounts;help;trend' {
            break
        }
        'talkdesk-accounts;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file path in use (and whether it exists)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved settings with secrets redacted, and where each came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file (mode 0600)')
            break
        }
        'talkdesk-accounts;help;config;path' {
            break
        }
        'talkdesk-accounts;help;config;show' {
            break
        }
        'talkdesk-accounts;help;config;init' {
            break
        }
        'talkdesk-accounts;help;auth' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Get a token and call the API once; report OK, the granted scopes and the token expiry')
            break
        }
        'talkdesk-accounts;help;auth;check' {
            break
        }
        'talkdesk-accounts;help;completions' {
            break
        }
        'talkdesk-accounts;help;manpage' {
            break
        }
        'talkdesk-accounts;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
