<?php
// competency-core's test tool for a real Moodle site, run by PHP's CLI.
//
//   php -d max_input_vars=5000 site_tool.php MOODLE_ROOT COMMAND < request.json
//
// Reads a JSON request on standard input, does what an administrator would do in
// Moodle's interface (through Moodle's own APIs, never by hand-written SQL), and prints
// one JSON object on standard output. Commands:
//
//   setup                 web services, REST, competencies, debugging; services with
//                         functions; users, roles with capabilities, tokens; scales,
//                         courses, users and cohorts (see realsite/server.py for the shape)
//   config                set_config(name, value, plugin)
//   link_template_cohort  link a cohort to a learning-plan template (admin interface only)
//   set_framework_visible show or hide a framework
//   rate                  rate a user's competency as a grader does (evidence recorded)
//   enable_completion     turn completion tracking on in a course, with self completion
//                         as its one criterion unless criteria is false (as a teacher
//                         does in its settings)
//   complete_course       a user meets the course's criteria at a time, and Moodle's
//                         aggregation marks the course complete (as cron does)
//   run_task              run a scheduled task by class name, as cron does
//   purge_caches          purge every cache
//
// Only for test sites: it trusts its input.

define('CLI_SCRIPT', true);

if ($argc < 3) {
    fwrite(STDERR, "usage: site_tool.php MOODLE_ROOT COMMAND < request.json\n");
    exit(2);
}
$root = $argv[1];
$command = $argv[2];
require($root . '/config.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/cohort/lib.php');
require_once($CFG->libdir . '/accesslib.php');

$request = json_decode(stream_get_contents(STDIN), true);
if (!is_array($request)) {
    $request = [];
}
\core\session\manager::set_user(get_admin());
$system = context_system::instance();

function cc_service(array $spec): stdClass {
    global $DB;
    $service = (object) [
        'name' => $spec['name'],
        'shortname' => $spec['shortname'],
        'enabled' => 1,
        'restrictedusers' => 1,
        'downloadfiles' => 0,
        'uploadfiles' => 0,
        'requiredcapability' => '',
        'timecreated' => time(),
        'timemodified' => time(),
    ];
    $service->id = $DB->insert_record('external_services', $service);
    foreach ($spec['functions'] as $function) {
        if (!$DB->record_exists('external_functions', ['name' => $function])) {
            throw new coding_exception("no web-service function $function in this Moodle");
        }
        $DB->insert_record('external_services_functions',
            ['externalserviceid' => $service->id, 'functionname' => $function]);
    }
    return $service;
}

function cc_user(array $spec): int {
    global $CFG, $DB;
    $existing = $DB->get_record('user', ['username' => $spec['username']]);
    if ($existing) {
        return (int) $existing->id;
    }
    $user = [
        'username' => $spec['username'],
        'firstname' => $spec['firstname'] ?? ucfirst($spec['username']),
        'lastname' => $spec['lastname'] ?? 'User',
        'email' => $spec['email'] ?? ($spec['username'] . '@example.com'),
        'idnumber' => $spec['idnumber'] ?? '',
        'auth' => 'manual',
        'confirmed' => 1,
        'mnethostid' => $CFG->mnet_localhost_id,
        'password' => $spec['password'] ?? 'Test-password-1',
    ];
    return (int) user_create_user($user, true, false);
}

function cc_role(array $spec, context $system): int {
    $roleid = create_role($spec['name'], $spec['shortname'], $spec['description'] ?? '');
    set_role_contextlevels($roleid, [CONTEXT_SYSTEM]);
    foreach ($spec['capabilities'] as $capability) {
        if (!get_capability_info($capability)) {
            throw new coding_exception("no capability $capability in this Moodle");
        }
        assign_capability($capability, CAP_ALLOW, $roleid, $system->id, true);
    }
    // "Allow role assignments" (Users > Permissions > Define roles): manual enrolments
    // may give only the roles the enrolling user's roles may assign.
    foreach ($spec['allow_assign'] ?? [] as $target) {
        core_role_set_assign_allowed($roleid, (int) get_field_role_id($target));
    }
    return $roleid;
}

function cc_enable_completion(int $courseid, bool $criteria = true): int {
    global $CFG, $DB;
    require_once($CFG->libdir . '/completionlib.php');
    require_once($CFG->dirroot . '/completion/criteria/completion_criteria_self.php');
    set_config('enablecompletion', 1);
    if (!$DB->get_field('course', 'enablecompletion', ['id' => $courseid])) {
        update_course((object) ['id' => $courseid, 'enablecompletion' => 1]);
    }
    if (!$criteria) {
        return 0;
    }
    $existing = $DB->get_field('course_completion_criteria', 'id',
        ['course' => $courseid, 'criteriatype' => COMPLETION_CRITERIA_TYPE_SELF]);
    if ($existing) {
        return (int) $existing;
    }
    $criterion = new completion_criteria_self();
    $data = (object) ['id' => $courseid, 'criteria_self' => 1];
    $criterion->update_config($data);
    return (int) $criterion->id;
}

function get_field_role_id(string $shortname): int {
    global $DB;
    return (int) $DB->get_field('role', 'id', ['shortname' => $shortname], MUST_EXIST);
}

$out = [];
switch ($command) {
    case 'setup':
        set_config('enablewebservices', 1);
        set_config('webserviceprotocols', 'rest');
        set_config('enabled', 1, 'core_competency');
        set_config('debug', DEBUG_DEVELOPER);
        set_config('debugdisplay', 0);
        // Keep plans made by the cohort task and ratings exactly as asked.
        set_config('passwordpolicy', 0);
        $services = [];
        foreach ($request['services'] ?? [] as $spec) {
            $services[$spec['shortname']] = cc_service($spec);
        }
        $roles = [];
        foreach ($request['roles'] ?? [] as $spec) {
            $roles[$spec['shortname']] = cc_role($spec, $system);
        }
        $out['tokens'] = [];
        $out['users'] = [];
        foreach ($request['accounts'] ?? [] as $spec) {
            $uid = cc_user($spec);
            $out['users'][$spec['username']] = $uid;
            if (!empty($spec['role'])) {
                role_assign($roles[$spec['role']], $uid, $system->id);
            }
            if (!empty($spec['service'])) {
                $service = $services[$spec['service']];
                $DB->insert_record('external_services_users', [
                    'externalserviceid' => $service->id,
                    'userid' => $uid,
                    'timecreated' => time(),
                ]);
                $out['tokens'][$spec['token_name']] = \core_external\util::generate_token(
                    EXTERNAL_TOKEN_PERMANENT, $service, $uid, $system, 0, '', $spec['token_name']);
            }
        }
        foreach ($request['users'] ?? [] as $spec) {
            $out['users'][$spec['username']] = cc_user($spec);
        }
        $out['scales'] = [];
        foreach ($request['scales'] ?? [] as $spec) {
            $out['scales'][$spec['name']] = (int) $DB->insert_record('scale', [
                'courseid' => 0,
                'userid' => get_admin()->id,
                'name' => $spec['name'],
                'scale' => implode(',', $spec['items']),
                'description' => '',
                'descriptionformat' => FORMAT_HTML,
                'timemodified' => time(),
            ]);
        }
        $out['courses'] = [];
        foreach ($request['courses'] ?? [] as $spec) {
            $course = create_course((object) [
                'fullname' => $spec['fullname'] ?? $spec['shortname'],
                'shortname' => $spec['shortname'],
                'idnumber' => $spec['idnumber'] ?? '',
                'category' => 1,
            ]);
            $out['courses'][$spec['shortname']] = (int) $course->id;
        }
        $out['cohorts'] = [];
        foreach ($request['cohorts'] ?? [] as $spec) {
            $out['cohorts'][$spec['idnumber']] = (int) cohort_add_cohort((object) [
                'contextid' => $system->id,
                'name' => $spec['name'],
                'idnumber' => $spec['idnumber'],
                'component' => '',
            ]);
        }
        $out['roles'] = $roles;
        $out['student_role'] = (int) $DB->get_field('role', 'id', ['shortname' => 'student']);
        break;

    case 'config':
        set_config($request['name'], $request['value'], $request['plugin'] ?? null);
        break;

    case 'link_template_cohort':
        \core_competency\api::create_template_cohort((int) $request['templateid'],
            (int) $request['cohortid']);
        break;

    case 'set_framework_visible':
        $framework = new \core_competency\competency_framework((int) $request['id']);
        $framework->set('visible', empty($request['visible']) ? 0 : 1);
        $framework->update();
        break;

    case 'rate':
        // As a grader in Moodle's interface: api::grade_competency as that user, which
        // records the evidence (who, when, the note) as well as the rating.
        $grader = $DB->get_record('user', ['username' => $request['grader'] ?? 'admin'], '*', MUST_EXIST);
        \core\session\manager::set_user($grader);
        \core_competency\api::grade_competency((int) $request['userid'],
            (int) $request['competencyid'], (int) $request['grade'], $request['note'] ?? null);
        \core\session\manager::set_user(get_admin());
        $out['id'] = (int) $DB->get_field('competency_usercomp', 'id',
            ['userid' => (int) $request['userid'], 'competencyid' => (int) $request['competencyid']]);
        break;

    case 'enable_completion':
        $out['criterion'] = cc_enable_completion((int) $request['courseid'],
            $request['criteria'] ?? true);
        break;

    case 'complete_course':
        // As the user marking themselves complete (completion_criteria_completion::
        // mark_complete at the given time), then Moodle's aggregation as cron runs it,
        // which marks the course complete at the latest time a criterion was met.
        $courseid = (int) $request['courseid'];
        $userid = (int) $request['userid'];
        cc_enable_completion($courseid);
        $info = new completion_info(get_course($courseid));
        if (!$info->is_tracked_user($userid)) {
            throw new coding_exception("user $userid is not enrolled as a student in course $courseid");
        }
        $criterion = $info->get_completion($userid, COMPLETION_CRITERIA_TYPE_SELF);
        if (!$criterion->is_complete()) {
            $criterion->mark_complete((int) ($request['time'] ?? time()));
        }
        $ccompletion = new completion_completion(['course' => $courseid, 'userid' => $userid]);
        aggregate_completions((int) $ccompletion->id);
        $out['timecompleted'] = (int) $DB->get_field('course_completions', 'timecompleted',
            ['course' => $courseid, 'userid' => $userid]);
        break;

    case 'run_task':
        $task = \core\task\manager::get_scheduled_task($request['classname']);
        if (!$task) {
            throw new coding_exception('no scheduled task ' . $request['classname']);
        }
        ob_start();
        $task->execute();
        $out['output'] = ob_get_clean();
        break;

    case 'purge_caches':
        purge_all_caches();
        break;

    default:
        fwrite(STDERR, "unknown command $command\n");
        exit(2);
}
echo json_encode($out), "\n";
