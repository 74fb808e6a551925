# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_talkdesk_accounts_global_optspecs
    string join \n c/config= p/profile= history= v/verbose q/quiet color= h/help V/version
end

function __fish_talkdesk_accounts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_talkdesk_accounts_global_optspecs) -- $cmd 2>/dev/null
    or return 0
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_talkdesk_accounts_using_subcommand
    set -l cmd (__fish_talkdesk_accounts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "list" -d 'List the organization\'s accounts, walking every page'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "ls" -d 'List the organization\'s accounts, walking every page'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "summary" -d 'Count accounts per status (same filters as list)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "diff" -d 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "snapshot" -d 'Record the whole organization in the history store (or a saved export)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "changes" -d 'What changed between snapshots: added, removed, status and other changes'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "history" -d 'One account\'s versions over time, from when to when'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "trend" -d 'Count per status at the end of each day, week or month, with a chart'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "config" -d 'Inspect or create the config file'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "auth" -d 'Check the credentials against the API'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "manpage" -d 'Print the man page (roff) on stdout'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s s -l status -d 'Keep only these statuses (repeatable, comma-separated, case-insensitive)' -r -f -a "(__fish_complete_list , 'string split , ACTIVE,CHURNED,IN_TRIAL,INACTIVE,PROSPECT,TRIAL_LOST,OTHER')"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l concurrency -d 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s o -l output -d 'Output format (case-insensitive; jsonl when --jq is given)' -r -f -a "table\t'A table for people'
json\t'One JSON array, printed once complete'
jsonl\t'One JSON object per line, streamed'
csv\t'RFC 4180 CSV with a header row, streamed'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l columns -d 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l limit -d 'Stop after N matching accounts, fetching no page beyond them' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l page -d 'Fetch only page N, no walking' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l sort -d 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l output-file -d 'Write to this file (atomically) instead of stdout; `-` is stdout' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l at -d 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l per-page -d 'Page size to ask for (1-100) [default: 50]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l max-rate -d 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API\'s limit]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l no-header -d 'Table and csv: leave out the header row'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l no-formula-guard -d 'csv: do not neutralise cells that a spreadsheet would run as formulas'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l bom -d 'csv: start with a UTF-8 byte-order mark (for Excel)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s s -l status -d 'Keep only these statuses (repeatable, comma-separated, case-insensitive)' -r -f -a "(__fish_complete_list , 'string split , ACTIVE,CHURNED,IN_TRIAL,INACTIVE,PROSPECT,TRIAL_LOST,OTHER')"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l concurrency -d 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s o -l output -d 'Output format (case-insensitive; jsonl when --jq is given)' -r -f -a "table\t'A table for people'
json\t'One JSON array, printed once complete'
jsonl\t'One JSON object per line, streamed'
csv\t'RFC 4180 CSV with a header row, streamed'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l columns -d 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l limit -d 'Stop after N matching accounts, fetching no page beyond them' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l page -d 'Fetch only page N, no walking' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l sort -d 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l output-file -d 'Write to this file (atomically) instead of stdout; `-` is stdout' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l at -d 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l per-page -d 'Page size to ask for (1-100) [default: 50]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l max-rate -d 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API\'s limit]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l no-header -d 'Table and csv: leave out the header row'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l no-formula-guard -d 'csv: do not neutralise cells that a spreadsheet would run as formulas'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l bom -d 'csv: start with a UTF-8 byte-order mark (for Excel)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand ls" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s s -l status -d 'Count only these statuses (repeatable, comma-separated, case-insensitive)' -r -f -a "(__fish_complete_list , 'string split , ACTIVE,CHURNED,IN_TRIAL,INACTIVE,PROSPECT,TRIAL_LOST,OTHER')"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l concurrency -d 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s o -l output -d 'Output format (case-insensitive; json when --jq is given)' -r -f -a "table\t'A table for people'
json\t'JSON'
csv\t'RFC 4180 CSV with a header row'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l per-page -d 'Page size to ask for (1-100) [default: 50]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l max-rate -d 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API\'s limit]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand summary" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s s -l status -d 'Compare only these statuses (repeatable, comma-separated, case-insensitive)' -r -f -a "(__fish_complete_list , 'string split , ACTIVE,CHURNED,IN_TRIAL,INACTIVE,PROSPECT,TRIAL_LOST,OTHER')"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l concurrency -d 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s o -l output -d 'Output format (case-insensitive; json when --jq is given)' -r -f -a "table\t'A table for people'
json\t'JSON'
csv\t'RFC 4180 CSV with a header row'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l per-page -d 'Page size to ask for (1-100) [default: 50]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l max-rate -d 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API\'s limit]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l exit-code -d 'Exit 1 when there are differences (like git diff)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand diff" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l import -d 'Record this saved `list -o json` or `-o jsonl` export instead of the live list' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l at -d 'With --import: when the export was taken (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s o -l output -d 'Output format (case-insensitive; json when --jq is given)' -r -f -a "table\t'A table for people'
json\t'JSON'
csv\t'RFC 4180 CSV with a header row'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l concurrency -d 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l per-page -d 'Page size to ask for (1-100) [default: 50]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l max-rate -d 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API\'s limit]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand snapshot" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l since -d 'Changes at snapshots from this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l until -d 'Changes at snapshots up to this time (same forms as --since)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l status-from -d 'Only accounts that left this status (status changes and removals)' -r -f -a "ACTIVE\t''
CHURNED\t''
IN_TRIAL\t''
INACTIVE\t''
PROSPECT\t''
TRIAL_LOST\t''
OTHER\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l status-to -d 'Only accounts that reached this status (status changes and additions)' -r -f -a "ACTIVE\t''
CHURNED\t''
IN_TRIAL\t''
INACTIVE\t''
PROSPECT\t''
TRIAL_LOST\t''
OTHER\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l id -d 'Only this account (its id, or its name in any case)' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s o -l output -d 'Output format (case-insensitive; jsonl when --jq is given)' -r -f -a "table\t'A table for people'
json\t'One JSON array, printed once complete'
jsonl\t'One JSON object per line, streamed'
csv\t'RFC 4180 CSV with a header row, streamed'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand changes" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s o -l output -d 'Output format (case-insensitive; jsonl when --jq is given)' -r -f -a "table\t'A table for people'
json\t'One JSON array, printed once complete'
jsonl\t'One JSON object per line, streamed'
csv\t'RFC 4180 CSV with a header row, streamed'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand history" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l since -d 'From this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back) [default: the first snapshot]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l every -d 'Length of a period (UTC days, ISO weeks from Monday, calendar months)' -r -f -a "day\t''
week\t''
month\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l plot -d 'Also write the chart as an SVG picture to this file (`-`: stdout, instead of the table)' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s o -l output -d 'Output format (case-insensitive; json when --jq is given)' -r -f -a "table\t'A table for people'
json\t'JSON'
csv\t'RFC 4180 CSV with a header row'"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l jq -d 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand trend" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -f -a "path" -d 'Print the config file path in use (and whether it exists)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -f -a "show" -d 'Print the resolved settings with secrets redacted, and where each came from'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -f -a "init" -d 'Write a commented config file (mode 0600)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and not __fish_seen_subcommand_from path show init help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Overwrite an existing file'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file path in use (and whether it exists)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the resolved settings with secrets redacted, and where each came from'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented config file (mode 0600)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -l timeout -d 'Timeout in seconds for each phase of a request (connecting, the answer\'s headers, its body) [default: 30]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -l max-retries -d 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -l no-cache -d 'Neither read nor write the token cache'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "check" -d 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s c -l config -d 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s p -l profile -d 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]' -r -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -l history -d 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]' -r -F
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -l color -d 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s v -l verbose -d 'Log each request to stderr; twice adds headers (secrets redacted)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand manpage" -s V -l version -d 'Print version'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "list" -d 'List the organization\'s accounts, walking every page'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "summary" -d 'Count accounts per status (same filters as list)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "diff" -d 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "snapshot" -d 'Record the whole organization in the history store (or a saved export)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "changes" -d 'What changed between snapshots: added, removed, status and other changes'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "history" -d 'One account\'s versions over time, from when to when'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "trend" -d 'Count per status at the end of each day, week or month, with a chart'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "config" -d 'Inspect or create the config file'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "auth" -d 'Check the credentials against the API'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "completions" -d 'Print a shell completion script'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "manpage" -d 'Print the man page (roff) on stdout'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and not __fish_seen_subcommand_from list summary diff snapshot changes history trend config auth completions manpage" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file path in use (and whether it exists)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the resolved settings with secrets redacted, and where each came from'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented config file (mode 0600)'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "check" -d 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand list ls summary snapshot changes history trend config auth completions manpage help" -f
complete -c talkdesk-accounts -n "__fish_talkdesk_accounts_using_subcommand completions" -f -a "bash elvish fish powershell zsh"
