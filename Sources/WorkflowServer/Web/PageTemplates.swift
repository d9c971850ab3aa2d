import Mustache

/// The web pages' templates (Mustache, HTML-escaped by default), compiled once. They are kept in the binary, not in
/// files beside it, so that `rsoctl serve` needs nothing but itself. Every page extends `layout`.
enum PageTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("input", input), ("refusal", refusal), ("login", login), ("work", work), ("case", casePage), ("open", openPage), ("dashboard", dashboard),
                             ("problem", problem)] {
            // The templates are constants of this file; one that does not parse is a defect caught by every web test.
            try! library.register(text, named: name)
        }
        return library
    }()

    static func render(_ page: some Sendable, _ name: String) -> String {
        library.render(page, withTemplate: name) ?? "<!doctype html><title>rso-workflow</title><p>no page \(name)</p>"
    }

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}rso-workflow{{/title}}</title>
        <style>
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .5rem 1rem; background: #0b3d60; color: #fff; }
        header a { color: #fff; font-weight: bold; text-decoration: none; }
        header nav a { font-weight: normal; text-decoration: underline; }
        header .who { margin-left: auto; }
        header form { margin: 0; }
        main { padding: 1rem; max-width: 64rem; }
        table { border-collapse: collapse; width: 100%; }
        td a { white-space: nowrap; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #c8c8c8; vertical-align: top; }
        .table-scroll { overflow-x: auto; }
        label { display: block; font-weight: 600; margin-top: .5rem; }
        input, select, textarea, button { font: inherit; }
        input, select, textarea { padding: .3rem; border: 1px solid #595959; border-radius: 3px; max-width: 100%; }
        button { padding: .35rem .9rem; border: 1px solid #0b3d60; border-radius: 3px; background: #0b3d60; color: #fff; cursor: pointer; }
        header button { background: #fff; color: #0b3d60; }
        [role=alert] { border-left: 4px solid #a4262c; background: #fde7e9; padding: .5rem 1rem; }
        .late { color: #a4262c; font-weight: 600; }
        .unmet { color: #6b3a00; }
        .choice { border: 1px solid #c8c8c8; border-radius: 4px; padding: .5rem 1rem; margin: .75rem 0; }
        dl#fields { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; }
        dl#fields dt { font-weight: 600; }
        dl#fields dd { margin: 0; overflow-wrap: anywhere; }
        fieldset { border: 1px solid #c8c8c8; margin: .5rem 0; }
        legend { font-weight: 600; }
        label.check { display: inline-block; font-weight: normal; margin: .25rem 1rem .25rem 0; }
        .number { text-align: right; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        .filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; margin-bottom: 1rem; }
        a { color: #0b5394; }
        :focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
        </style>
        </head>
        <body>
        <header>
        <a href="/">rso-workflow</a>
        {{#user}}
        <nav aria-label="Pages"><a href="/">My work</a> · <a href="/dashboard">Dashboard</a></nav>
        <span class="who">{{name}} ({{roles}})</span>
        <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/user}}
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$title}}Sign in · rso-workflow{{/title}}
        {{$content}}
        <h1>Sign in</h1>
        {{#error}}<p role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" value="{{username}}" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <p><button type="submit">Sign in</button></p>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let work = """
        {{<layout}}
        {{$title}}My work · rso-workflow{{/title}}
        {{$content}}
        <h1>My work</h1>
        {{#hasOpenable}}<p>Open a new case:</p><ul>{{#openable}}<li><a href="/cases/new/{{value}}">{{text}}</a></li>{{/openable}}</ul>{{/hasOpenable}}
        <form method="get" action="/" class="filters">
        <div><label for="workflow">Workflow</label>
        <select id="workflow" name="workflow"><option value="">All</option>{{#workflows}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/workflows}}</select></div>
        <div><label for="state">State</label>
        <select id="state" name="state"><option value="">Any</option>{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/states}}</select></div>
        <div><label for="country">Country</label>
        <select id="country" name="country"><option value="">Any</option>{{#countries}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/countries}}</select></div>
        <div><label for="q">Reference, name or document number</label><input id="q" name="q" value="{{query}}"></div>
        <div><button type="submit">Filter</button></div>
        </form>
        {{#hasCases}}
        <div class="table-scroll">
        <table id="cases">
        <caption>{{caption}} ({{count}})</caption>
        <thead><tr><th scope="col">Reference</th><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Due</th><th scope="col">Updated</th></tr></thead>
        <tbody>
        {{/hasCases}}
        {{#cases}}
        <tr><td><a href="/cases/{{reference}}">{{reference}}</a></td><td>{{workflow}}</td><td>{{state}}</td>
        <td>{{#lateBy}}<span class="late">late by {{lateBy}}</span>{{/lateBy}}{{^lateBy}}{{due}}{{/lateBy}}</td><td>{{updated}}</td></tr>
        {{/cases}}
        {{#hasCases}}
        </tbody>
        </table>
        </div>
        {{/hasCases}}
        {{^hasCases}}<p>No case waits for you{{#filtered}} with these filters{{/filtered}}.</p>{{/hasCases}}
        {{/content}}
        {{/layout}}
        """

    static let casePage = """
        {{<layout}}
        {{$title}}{{reference}} · rso-workflow{{/title}}
        {{$content}}
        <h1>{{reference}}</h1>
        <p>{{workflowTitle}} · <strong>{{state}}</strong> since {{stateEnteredAt}}{{#lateBy}} · <span class="late">late by {{lateBy}}</span>{{/lateBy}} · version {{version}}</p>
        {{> refusal}}
        <h2>Fields</h2>
        <dl id="fields">
        {{#fields}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/fields}}
        </dl>
        <section id="transitions" aria-labelledby="transitions-heading">
        <h2 id="transitions-heading">What you can do now</h2>
        {{#choices}}
        <form method="post" action="/cases/{{reference}}/transitions/{{name}}" class="choice">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="version" value="{{version}}">
        <p><strong>{{name}}</strong>{{#summary}}: {{summary}}{{/summary}}</p>
        {{#hasUnmet}}<p class="unmet">Not yet possible as the case stands:</p><ul class="unmet">{{/hasUnmet}}{{#unmet}}<li>{{.}}</li>{{/unmet}}{{#hasUnmet}}</ul>{{/hasUnmet}}
        {{#inputs}}
        {{> input}}
        {{/inputs}}
        <label for="reason-{{name}}">Reason</label>
        <input id="reason-{{name}}" name="reason" value="{{reason}}">
        <p><button type="submit">{{name}}</button></p>
        </form>
        {{/choices}}
        {{^choices}}<p>Nothing you can do on this case now.</p>{{/choices}}
        </section>
        {{#hasUpdates}}
        <section id="update" aria-labelledby="update-heading">
        <h2 id="update-heading">Update fields</h2>
        <form method="post" action="/cases/{{reference}}/fields" class="choice">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="version" value="{{version}}">
        {{#updates}}
        {{> input}}
        {{/updates}}
        <label for="update-reason">Reason</label>
        <input id="update-reason" name="reason" value="">
        <p><button type="submit">Save changes</button></p>
        </form>
        </section>
        {{/hasUpdates}}
        {{#hasOutcomes}}
        <section id="outcomes" aria-labelledby="outcomes-heading">
        <h2 id="outcomes-heading">Outcomes</h2>
        <table class="outcomes"><thead><tr><th scope="col">Outcome</th><th scope="col" class="number">Total</th></tr></thead>
        <tbody>{{#outcomes}}<tr><td>{{label}}</td><td class="number">{{total}}</td></tr>{{/outcomes}}</tbody></table>
        {{#canRecord}}
        <form method="post" action="/cases/{{reference}}/outcomes" class="choice">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="outcome">Outcome</label>
        <select id="outcome" name="outcome" required><option value=""></option>{{#outcomes}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/outcomes}}</select>
        <label for="count">Count <small>(negative to correct an earlier count; a correction needs a reason)</small></label>
        <input id="count" name="count" type="number" step="1" value="{{recordCount}}" required>
        <label for="outcome-reason">Reason</label>
        <input id="outcome-reason" name="reason" value="{{recordReason}}">
        <p><button type="submit">Record</button></p>
        </form>
        {{/canRecord}}
        </section>
        {{/hasOutcomes}}
        {{#hasChildren}}
        <section id="children" aria-labelledby="children-heading">
        <h2 id="children-heading">{{childTitle}} cases</h2>
        <div class="table-scroll"><table id="child-cases"><thead><tr><th scope="col">Reference</th><th scope="col">State</th>{{#childOutcomeNames}}<th scope="col" class="number">{{.}}</th>{{/childOutcomeNames}}</tr></thead>
        <tbody>{{#children}}<tr><td><a href="/cases/{{reference}}">{{reference}}</a></td><td>{{state}}</td>{{#counts}}<td class="number">{{.}}</td>{{/counts}}</tr>{{/children}}</tbody></table></div>
        {{#hasTotals}}
        <h3>Totals by {{totalsByLabel}}</h3>
        <div class="table-scroll"><table id="totals" class="outcomes"><thead><tr><th scope="col">{{totalsByLabel}}</th>{{#childOutcomeNames}}<th scope="col" class="number">{{.}}</th>{{/childOutcomeNames}}</tr></thead>
        <tbody>{{#totals}}<tr><th scope="row">{{group}}</th>{{#counts}}<td class="number">{{.}}</td>{{/counts}}</tr>{{/totals}}</tbody></table></div>
        {{/hasTotals}}
        </section>
        {{/hasChildren}}
        <h2>History</h2>
        <ol id="timeline">
        {{#events}}<li><time datetime="{{atISO}}">{{at}}</time>: <strong>{{what}}</strong> by {{actor}}{{#role}} as {{role}}{{/role}}{{#reason}}, “{{reason}}”{{/reason}}{{#changed}}; set {{changed}}{{/changed}}</li>{{/events}}
        </ol>
        {{/content}}
        {{/layout}}
        """

    static let refusal = """
        {{#refusal}}<div role="alert"><p>{{message}}</p>{{#hasDetails}}<ul>{{/hasDetails}}{{#details}}<li>{{.}}</li>{{/details}}{{#hasDetails}}</ul>{{/hasDetails}}</div>{{/refusal}}
        """

    static let input = """
        <div class="input">
        {{#isCheckboxes}}<fieldset><legend>{{label}}</legend>{{#options}}<label class="check"><input type="checkbox" name="field.{{field}}" value="{{value}}"{{#selected}} checked{{/selected}}> {{text}}</label>{{/options}}</fieldset>{{/isCheckboxes}}
        {{^isCheckboxes}}
        <label for="{{id}}">{{label}}{{#required}} <small>(required)</small>{{/required}}{{#hint}} <small>({{hint}})</small>{{/hint}}</label>
        {{#isSelect}}<select id="{{id}}" name="field.{{field}}"{{#multiple}} multiple size="6"{{/multiple}}{{#required}} required{{/required}}>{{^multiple}}<option value=""></option>{{/multiple}}{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/options}}</select>{{/isSelect}}
        {{^isSelect}}{{#isTextArea}}<textarea id="{{id}}" name="field.{{field}}" rows="3"{{#required}} required{{/required}}>{{value}}</textarea>{{/isTextArea}}{{^isTextArea}}<input id="{{id}}" name="field.{{field}}" type="{{type}}" value="{{value}}"{{#step}} step="{{step}}"{{/step}}{{#required}} required{{/required}}>{{/isTextArea}}{{/isSelect}}
        {{/isCheckboxes}}
        </div>
        """

    static let openPage = """
        {{<layout}}
        {{$title}}Open a case · rso-workflow{{/title}}
        {{$content}}
        <h1>Open a case: {{workflowTitle}}</h1>
        {{> refusal}}
        <form method="post" action="/cases/new/{{workflow}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#needsParent}}<label for="parent">Parent case ({{parentWorkflow}} reference) <small>(required)</small></label>
        <input id="parent" name="parent" value="{{parent}}" required>{{/needsParent}}
        {{#inputs}}
        {{> input}}
        {{/inputs}}
        <p><button type="submit">Open the case</button></p>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let dashboard = """
        {{<layout}}
        {{$title}}{{title}}: dashboard · rso-workflow{{/title}}
        {{$content}}
        <h1>{{title}}: dashboard</h1>
        <form method="get" action="/dashboard/{{workflow}}" class="filters">
        <div><label for="asOf">Compare with the end of</label><input id="asOf" name="asOf" type="date" value="{{asOf}}"></div>
        <div><label for="into">Flow into</label><select id="into" name="into"><option value=""></option>{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/states}}</select></div>
        <div><label for="from">From</label><input id="from" name="from" type="date" value="{{from}}"></div>
        <div><label for="to">To</label><input id="to" name="to" type="date" value="{{to}}"></div>
        <div><button type="submit">Show</button></div>
        </form>
        <nav aria-label="Other dashboards"><p>Other workflows:</p><ul>{{#workflows}}{{^selected}}<li><a href="/dashboard/{{value}}">{{text}}</a></li>{{/selected}}{{/workflows}}</ul></nav>
        <section id="stages" aria-labelledby="stages-heading">
        <h2 id="stages-heading">Cases per stage</h2>
        {{{chart}}}
        <div class="table-scroll"><table id="stages-now"><caption>Now <a href="{{csv}}/stages.csv{{query}}">(CSV)</a></caption>
        <thead><tr><th scope="col">Stage</th><th scope="col" class="number">Cases</th></tr></thead>
        <tbody>{{#now}}<tr data-state="{{state}}"><th scope="row">{{state}}</th><td class="count number">{{count}}</td></tr>{{/now}}</tbody></table></div>
        {{#hasAsOf}}
        <div class="table-scroll"><table id="stages-as-of"><caption>At the end of {{asOf}}</caption>
        <thead><tr><th scope="col">Stage</th><th scope="col" class="number">Cases</th></tr></thead>
        <tbody>{{#asOfCounts}}<tr data-state="{{state}}"><th scope="row">{{state}}</th><td class="count number">{{count}}</td></tr>{{/asOfCounts}}</tbody></table></div>
        {{/hasAsOf}}
        </section>
        {{#hasFlow}}
        <section id="flow-section" aria-labelledby="flow-heading">
        <h2 id="flow-heading">Flow</h2>
        <p id="flow"><span class="count">{{flowCount}}</span> cases entered {{into}} from {{from}} to {{to}} <a href="{{csv}}/flow.csv{{query}}">(CSV)</a></p>
        </section>
        {{/hasFlow}}
        <section id="overdue-section" aria-labelledby="overdue-heading">
        <h2 id="overdue-heading">Overdue now</h2>
        <div class="table-scroll"><table id="overdue"><caption>Cases past their due date <a href="{{csv}}/overdue.csv{{query}}">(CSV)</a></caption>
        <thead><tr><th scope="col">Stage</th><th scope="col" class="number">Overdue</th></tr></thead>
        <tbody>{{#overdue}}<tr data-state="{{state}}"><th scope="row">{{state}}</th><td class="count number">{{count}}</td></tr>{{/overdue}}</tbody></table></div>
        </section>
        <section id="durations-section" aria-labelledby="durations-heading">
        <h2 id="durations-heading">Time in each stage</h2>
        <div class="table-scroll"><table id="durations"><caption>Days, over stays that ended <a href="{{csv}}/durations.csv{{query}}">(CSV)</a></caption>
        <thead><tr><th scope="col">Stage</th><th scope="col" class="number">Stays</th><th scope="col" class="number">Median days</th><th scope="col" class="number">90th percentile days</th></tr></thead>
        <tbody>{{#durations}}<tr data-state="{{state}}"><th scope="row">{{state}}</th><td class="count number">{{count}}</td><td class="median number">{{median}}</td><td class="p90 number">{{p90}}</td></tr>{{/durations}}</tbody></table></div>
        </section>
        {{#hasOutcomes}}
        <section id="outcomes-section" aria-labelledby="outcomes-heading">
        <h2 id="outcomes-heading">Outcome totals</h2>
        <div class="table-scroll"><table id="outcome-totals"><caption>Corrections included{{#period}}, {{period}}{{/period}} <a href="{{csv}}/outcomes.csv{{query}}">(CSV)</a></caption>
        <thead><tr><th scope="col">Outcome</th><th scope="col" class="number">Total</th></tr></thead>
        <tbody>{{#outcomes}}<tr data-outcome="{{state}}"><th scope="row">{{state}}</th><td class="count number">{{count}}</td></tr>{{/outcomes}}</tbody></table></div>
        </section>
        {{/hasOutcomes}}
        {{#hasChildTotals}}
        <section id="child-totals-section" aria-labelledby="child-totals-heading">
        <h2 id="child-totals-heading">{{childTitle}} outcomes, per {{title}}</h2>
        <div class="table-scroll"><table id="child-totals"><caption>Corrections included{{#period}}, {{period}}{{/period}} <a href="{{csv}}/children.csv{{query}}">(CSV)</a></caption>
        <thead><tr><th scope="col">Case</th>{{#childOutcomeNames}}<th scope="col" class="number">{{.}}</th>{{/childOutcomeNames}}</tr></thead>
        <tbody>{{#childTotals}}<tr data-reference="{{reference}}"><th scope="row"><a href="/cases/{{reference}}">{{reference}}</a> {{name}}</th>{{#counts}}<td class="number">{{.}}</td>{{/counts}}</tr>{{/childTotals}}</tbody></table></div>
        </section>
        {{/hasChildTotals}}
        {{/content}}
        {{/layout}}
        """

    static let problem = """
        {{<layout}}
        {{$title}}{{heading}} · rso-workflow{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        <p role="alert">{{message}}</p>
        <p><a href="/">Back to my work</a></p>
        {{/content}}
        {{/layout}}
        """
}
