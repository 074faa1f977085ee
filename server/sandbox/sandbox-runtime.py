# The Python half of a sandbox process. sandbox-child.mjs runs this file once,
# right after Pyodide has loaded, calls setup() and keeps only the run() and
# check() functions it returns; nothing defined here stays in a module or a
# global.
#
# Python cannot sandbox Python: code blocks can walk object graphs
# (().__class__.__base__.__subclasses__(), __globals__, ...), so these measures
# only narrow what a walk can do. The boundary is the process (Node's
# permission model, no JavaScript bridge, no string-to-code in JavaScript);
# see sandbox-child.mjs and README.md in this folder.
#
# - The JavaScript bridge (js, pyodide_js, pyodide, _pyodide*) leaves
#   sys.modules before the first run, its classes refuse construction, and
#   no new compiled-in module (a fresh _pyodide_core, _ctypes) can be made.
# - User code imports only from a fixed mapping of the allow-listed modules.
#   It never reaches the import system.
# - An audit hook, installed last, refuses every audited operation except the
#   few that transforms need (see allowed_events). Audit hooks cannot be
#   removed, and this one uses no globals or builtins, so changing shared
#   state cannot disarm it. A refusal counts as a violation.
# - After every run, check() compares the state that a later run would pass
#   through (the dicts of the allow-listed modules, of the modules they
#   reference, their classes, module-level objects and closure cells,
#   builtins, sys) by identity with a snapshot taken at setup. A difference,
#   or any violation, "taints" the process and the pool retires it, so
#   another workspace never runs in a process that code has tampered with.
# - Line numbers of user code are shifted by LINE_OFFSET when compiled, which
#   tells user frames from library frames without touching frame objects.


def setup(config_json):
    import ast
    import builtins
    import json
    import sys
    from itertools import chain
    from operator import attrgetter, is_, methodcaller
    from types import BuiltinFunctionType, FunctionType, MappingProxyType, ModuleType, TracebackType

    config = json.loads(config_json)
    type_name_of = type.__dict__['__name__'].__get__
    allowed_names = tuple(config['allowedModules'])
    max_result_bytes = config['maxResultBytes']
    max_depth = config['maxNestingDepth']
    max_message_chars = 2000
    LINE_OFFSET = 1_000_000
    CACHE_SIZE = 128

    # Allow-listed modules, imported while imports still work. strptime and
    # friends import helpers lazily, so those are imported now as well.
    lazily_needed = {'datetime': ('_strptime',), 'time': ('_strptime',)}
    # ...and some import into a module global on first use: do that use now,
    # while imports work and before the state is fingerprinted.
    warm_ups = {
        'random': lambda m: m.seed('sha512 is imported on the first seed from a string'),
        'collections': lambda m: m.Counter('a').most_common(1),
    }
    for name in allowed_names:
        module = __import__(name)
        for helper in lazily_needed.get(name, ()):
            __import__(helper)
        if name in warm_ups:
            warm_ups[name](module)
    importable = {}
    for key, module in list(sys.modules.items()):
        for name in allowed_names:
            if key == name or key.startswith(name + '.') or name.startswith(key + '.'):
                importable[key] = module
    # C code imports its helpers through the caller's __import__, which for
    # user code is the guard below.
    for name in allowed_names:
        for helper in lazily_needed.get(name, ()):
            importable[helper] = sys.modules[helper]
    allowed_list = ', '.join(sorted(allowed_names)) or '(none)'

    # Take the JavaScript bridge out of reach. JavaScript has unregistered the
    # js and pyodide_js modules already; this drops Python's references. Its
    # classes stay findable by a subclass walk, and JsException("x") would
    # build a JavaScript Error: those constructors now refuse, and the classes
    # are watched so that undoing that retires the process.
    bridge_classes = []
    for key, module in list(sys.modules.items()):
        if key in ('_pyodide_core', '_pyodide._core_docs', 'pyodide.ffi') and isinstance(module, ModuleType):
            bridge_classes.extend(v for v in vars(module).values() if isinstance(v, type))

    def refuse_javascript(*args, _error=TypeError, **kwargs):
        raise _error('JavaScript objects are not available in code blocks')

    for klass in bridge_classes:
        if klass.__name__.startswith('Js') and not (klass.__flags__ & (1 << 8)):
            klass.__new__ = refuse_javascript
            klass.__init__ = refuse_javascript
    bridge_prefixes = ('js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core')
    for key in list(sys.modules):
        if key.split('.')[0] in bridge_prefixes:
            del sys.modules[key]
    sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith('_pyodide')]
    # A subclass walk finds BuiltinImporter, which would happily create a
    # fresh _pyodide_core (to_js, create_proxy: JavaScript objects) or
    # _ctypes. Nothing needs a new compiled-in module after setup, so the
    # functions that create them are replaced, not wrapped: no reference to
    # the originals is left to find.
    import _imp

    def refuse_new_module(*args, _error=ImportError, **kwargs):
        raise _error('new modules cannot be loaded in code blocks')

    _imp.create_builtin = refuse_new_module
    _imp.create_dynamic = refuse_new_module

    import warnings
    # Warnings would print to the debug output once per process, which makes
    # runs differ depending on which process served them.
    warnings.simplefilter('ignore')

    # The runner's own JSON goes through the C scanner and encoder, made here:
    # code that replaces json.dumps or JSONEncoder methods changes what it
    # sees, not what the runner reads and writes.
    import _json
    scan_once = json.decoder.JSONDecoder().scan_once
    make_encoder = _json.make_encoder
    encode_string = _json.encode_basestring

    def decode(text):
        value, _end = scan_once(text, 0)
        return value

    def refuse_unserialisable(value):
        raise TypeError(f'Object of type {type_name_of(type(value))} is not JSON serializable')

    def encode(value):
        return ''.join(make_encoder({}, refuse_unserialisable, encode_string, None, ':', ',', False, False, False)(value, 0))

    decimal = sys.modules.get('decimal')
    random = sys.modules.get('random')
    re = sys.modules.get('re')
    pristine_decimal_context = decimal.getcontext().copy() if decimal else None
    recursion_limit = sys.getrecursionlimit()
    int_max_str_digits = sys.get_int_max_str_digits()

    # ---- the import guard and the builtins code blocks see ----
    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0,
                       _modules=MappingProxyType(importable), _error=ImportError, _allowed=allowed_list):
        if level != 0:
            raise _error('relative imports are not available in code blocks')
        module = _modules.get(name)
        if module is None:
            raise _error(f"import of '{name}' is not allowed in code blocks; allowed modules: {_allowed}", name=name)
        if fromlist:
            return module
        return _modules[name.partition('.')[0]]

    # Convenience, not containment: the audit hook is what stops open() and
    # friends, since the real builtins stay reachable through any module.
    removed_builtins = {'open', 'input', 'breakpoint', 'help', 'exit', 'quit', 'copyright', 'credits', 'license',
                        '__loader__', '__spec__'}
    user_builtins = {k: v for k, v in builtins.__dict__.items() if k not in removed_builtins}
    user_builtins['__import__'] = guarded_import

    # ---- the audit hook ----
    violations = [0]
    # sys._getframemodulename returns a module name only (namedtuple, enum and
    # dataclasses ask for it); sys._getframe, which returns frames, stays refused.
    # function.__new__ makes a function from an existing code object (typing
    # does); code.__new__, which makes code from bytes, stays refused.
    allowed_events = frozenset({'compile', 'exec', 'builtins.id', 'time.sleep', 'sys._getframemodulename',
                                'function.__new__'})
    # A SyntaxError makes CPython try to open the "file" to quote the line.
    source_names = frozenset({'<code>', '<condition>'})
    # Reading a function's __code__/__kwdefaults__, setting __defaults__ or a
    # class's __module__, assigning __class__: audited, and fine on what the
    # code itself made (namedtuple and dataclasses do it), but not on anything
    # that existed before the run, e.g. json.dumps.__kwdefaults__['cls'] = ...
    # or frames (tb_frame, gi_frame), whose types existed before. "Existed
    # before" means: a class found now, or a function whose globals are the
    # dict of a module loaded now.
    attribute_events = frozenset({'object.__getattr__', 'object.__setattr__', 'object.__delattr__'})
    preexisting_types = []
    stack = [object]
    while stack:
        klass = stack.pop()
        preexisting_types.append(klass)
        try:
            stack.extend(type.__subclasses__(klass))
        except TypeError:
            stack.extend(klass.__subclasses__())
    preexisting_type_ids = frozenset(map(id, preexisting_types))
    module_dicts = [vars(m) for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    module_dict_ids = frozenset(map(id, module_dicts))

    def made_by_the_run(target, _type=type, _function=FunctionType, _isinstance=isinstance, _id=id,
                        _types=preexisting_type_ids, _dicts=module_dict_ids, _keep=(preexisting_types, module_dicts)):
        if _type(target) is _function:
            return _id(target.__globals__) not in _dicts
        if _isinstance(target, _type):
            return _id(target) not in _types
        return _id(_type(target)) not in _types

    def audit(event, args, _allowed=allowed_events, _violations=violations, _error=PermissionError,
              _sources=source_names, _str=str, _type=type, _attribute_events=attribute_events,
              _made_by_the_run=made_by_the_run):
        if event in _allowed:
            return
        if event == 'open' and _type(args[0]) is _str and args[0] in _sources:
            return
        if event in _attribute_events and _made_by_the_run(args[0]):
            return
        _violations[0] += 1
        if _violations[0] <= 5:
            _violations.append(event if event not in _attribute_events else f'{event}({args[1]})')
        raise _error(f"'{event}' is not allowed in code blocks")

    # ---- compiling user code ----
    PyCF_ONLY_AST = ast.PyCF_ONLY_AST
    cache = {}

    class UserError(Exception):
        """Raised by the runner for problems the admin must fix (no return, bad result...)."""
        def __init__(self, type_name, message, line=None):
            super().__init__(message)
            self.type_name, self.message, self.line = type_name, message, line

    def dedent(code):
        # Code pasted with a uniform indent (as if inside a function) is
        # accepted; line numbers do not change.
        lines = code.split('\n')
        prefix = None
        for line in lines:
            stripped = line.lstrip(' \t')
            if not stripped or stripped.startswith('#'):
                continue
            indent = line[:len(line) - len(stripped)]
            if prefix is None:
                prefix = indent
            else:
                n = 0
                while n < len(prefix) and n < len(indent) and prefix[n] == indent[n]:
                    n += 1
                prefix = prefix[:n]
            if not prefix:
                return code
        if not prefix:
            return code
        return '\n'.join(line[len(prefix):] if line.startswith(prefix) else line.lstrip(' \t') for line in lines)

    def has_return(tree):
        # A block that only raises has a way out too.
        stack = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Return, ast.Raise)):
                return True
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            stack.extend(ast.iter_child_nodes(node))
        return False

    def syntax_error(error):
        line = error.lineno
        if line is not None and line > LINE_OFFSET:
            line -= LINE_OFFSET
        type_name = type(error).__name__  # SyntaxError, IndentationError, TabError
        return UserError(type_name, error.msg or 'invalid syntax', line)

    def compile_block(kind, code):
        key = (kind, code)
        compiled = cache.get(key)
        if compiled is not None:
            return compiled
        if kind == 'code':
            source = dedent(code)
            try:
                tree = compile(source, '<code>', 'exec', PyCF_ONLY_AST)
            except SyntaxError as error:
                raise syntax_error(error) from None
            if not has_return(tree):
                raise UserError('SyntaxError', "the code block has no return statement; end it with `return <value>` "
                                "(for example `return inputs['data']`)")
            function = ast.FunctionDef(
                name='code_block',
                args=ast.arguments(posonlyargs=[], args=[ast.arg(arg='inputs')], vararg=None, kwonlyargs=[],
                                   kw_defaults=[], kwarg=None, defaults=[]),
                body=tree.body, decorator_list=[], returns=None, type_params=[], lineno=1, col_offset=0)
            module = ast.Module(body=[function], type_ignores=[])
            ast.fix_missing_locations(module)
            ast.increment_lineno(module, LINE_OFFSET)
            try:
                compiled = compile(module, '<code>', 'exec')
            except SyntaxError as error:  # e.g. `nonlocal` at the top level
                raise syntax_error(error) from None
        else:
            source = code.strip()
            try:
                tree = compile(source, '<condition>', 'eval', PyCF_ONLY_AST)
            except SyntaxError as error:
                try:
                    compile(source, '<condition>', 'exec', PyCF_ONLY_AST)
                except SyntaxError:
                    raise syntax_error(error) from None
                raise UserError('SyntaxError', 'a condition must be a single Python expression that evaluates to '
                                "True or False (for example `inputs['user']['plan'] == 'pro'`), not a statement",
                                1) from None
            ast.increment_lineno(tree, LINE_OFFSET)
            try:
                compiled = compile(tree, '<condition>', 'eval')
            except SyntaxError as error:
                raise syntax_error(error) from None
        if len(cache) >= CACHE_SIZE:
            del cache[next(iter(cache))]
        cache[key] = compiled
        return compiled

    # ---- results and errors ----
    traceback_of = BaseException.__dict__['__traceback__'].__get__

    def user_line(error):
        line = None
        tb = traceback_of(error)
        while type(tb) is TracebackType:
            if tb.tb_lineno is not None and tb.tb_lineno > LINE_OFFSET:
                line = tb.tb_lineno - LINE_OFFSET
            tb = tb.tb_next
        return line

    def describe(error):
        try:
            message = str(error)
        except BaseException:
            message = '(the exception message could not be read)'
        if len(message) > max_message_chars:
            message = message[:max_message_chars] + '…'
        return message

    def check_depth(value):
        # json.dumps recurses in C, and Pyodide's stack is smaller than
        # Python's recursion checks assume: a deep enough value would take the
        # whole interpreter down. Refuse it cleanly instead.
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > max_depth:
                raise UserError('ValueError', f'the returned value is nested more than {max_depth} levels deep')
            if isinstance(item, dict):
                stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list, tuple)))
            elif isinstance(item, (list, tuple)):
                stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list, tuple)))

    def serialise(result):
        if isinstance(result, (dict, list, tuple)):
            check_depth(result)
        try:
            text = encode(result)
        except (TypeError, ValueError, OverflowError) as error:
            raise UserError(type_name_of(type(error)), f'the returned value is not JSON-serialisable: {describe(error)}') from None
        size = len(text) if text.isascii() else len(text.encode('utf-8', 'surrogatepass'))
        if size > max_result_bytes:
            raise UserError('ValueError', f'the returned value is {size} bytes of JSON, over the limit of '
                            f'{max_result_bytes} bytes; return only the fields that are needed')
        return text

    def envelope_error(type_name, message, line):
        return encode({'type': type_name, 'message': message, 'line': line})

    def reset_shared_state():
        if re is not None:
            re.purge()
        if random is not None:
            random.seed()
        if decimal is not None:
            decimal.setcontext(pristine_decimal_context.copy())
        sys.setrecursionlimit(recursion_limit)
        sys.set_int_max_str_digits(int_max_str_digits)

    # ---- fingerprint of shared state ----
    watched_modules = {}
    def watch_module(module):
        if isinstance(module, ModuleType):
            watched_modules[id(module)] = module
    for module in importable.values():
        watch_module(module)
        for value in list(vars(module).values()):
            watch_module(value)  # e.g. random._os, re.enum, json.decoder
    # What the runner itself passes user data through is watched whether or
    # not it is allow-listed.
    for extra in ('builtins', 'sys', 'ast', '_ast', 'json', 'json.decoder', 'json.encoder', 'json.scanner', '_json',
                  '_strptime', 'warnings', 'types', 'operator', 'itertools'):
        if extra in sys.modules:
            watch_module(sys.modules[extra])

    IMMUTABLE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: setattr on such a type fails anyway
    watched_classes = {}
    watched_objects = []
    scalar_types = (int, float, bool, type(None), str, bytes)
    for module in list(watched_modules.values()):
        for value in list(vars(module).values()):
            if isinstance(value, type):
                for klass in value.__mro__:
                    if not (klass.__flags__ & IMMUTABLE):
                        watched_classes[id(klass)] = klass
            elif not isinstance(value, (ModuleType, FunctionType, BuiltinFunctionType, scalar_types)) \
                    and not (type(value).__flags__ & IMMUTABLE) and hasattr(value, '__dict__') \
                    and isinstance(vars(value), dict):
                watched_objects.append(value)

    watched_classes[id(UserError)] = UserError
    for klass in bridge_classes:
        for base in klass.__mro__:
            if not (base.__flags__ & IMMUTABLE):
                watched_classes[id(base)] = base
    dicts = [vars(m) for m in watched_modules.values()] + [vars(c) for c in watched_classes.values()]
    object_dicts = [vars(o) for o in watched_objects]
    # Closure cells of module-level functions and methods can be rebound
    # without touching any dict.
    cells = []
    for d in dicts:
        for value in list(d.values()):
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, FunctionType) and value.__closure__:
                for cell in value.__closure__:
                    try:
                        cell.cell_contents
                    except ValueError:  # not filled yet
                        continue
                    cells.append(cell)

    # Everything below runs after every run, so it is built from C-level
    # iteration (map, chain, operator) rather than Python loops: about a
    # tenth of a millisecond for some 6 000 references. Values are compared
    # by identity, never with ==, which user code could answer.
    values_of = methodcaller('values')
    contents_of = attrgetter('cell_contents')

    def shared_values(_list=list, _chain=chain.from_iterable, _map=map, _values=values_of, _dicts=tuple(dicts)):
        return _list(_chain(_map(_values, _dicts)))

    def object_values(_list=list, _chain=chain.from_iterable, _map=map, _values=values_of,
                      _dicts=tuple(object_dicts)):
        return _list(_chain(_map(_values, _dicts)))

    def sizes(_list=list, _map=map, _len=len, _dicts=tuple(object_dicts)):
        return _list(_map(_len, _dicts))

    def identities(_list=list, _map=map, _type=type, _objects=tuple(watched_objects), _cells=tuple(cells),
                   _contents=contents_of):
        # the objects' classes and what the cells hold
        return _list(_map(_type, _objects)) + _list(_map(_contents, _cells))

    # Attributes of module-level objects like random._inst.gauss_next change
    # in normal use. Their exact types are compared everywhere (a str
    # subclass is not a str), their identity only where it is not a plain
    # scalar.
    plain_types = frozenset(scalar_types)
    saved_shared = shared_values()
    saved_objects = object_values()
    saved_object_types = list(map(type, saved_objects))
    code_positions = tuple(i for i, v in enumerate(saved_objects) if type(v) not in plain_types)
    saved_code_values = [saved_objects[i] for i in code_positions]
    saved_sizes = sizes()
    saved_identities = identities()

    # Some modules import lazily into a global that starts as None
    # (collections.heapq); that one change is accepted, and only to a module
    # that was loaded at setup.
    loaded_modules = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    loaded_module_ids = frozenset(map(id, loaded_modules))

    def dict_sizes(_list=list, _map=map, _len=len, _dicts=tuple(dicts)):
        return _list(_map(_len, _dicts))

    saved_dict_sizes = dict_sizes()

    def is_tampered(_dict_sizes=dict_sizes, _saved_dict_sizes=saved_dict_sizes, _chain=chain.from_iterable,
                    _values=values_of, _dicts=tuple(dicts),
                    _shared=shared_values, _objects=object_values, _sizes=sizes, _identities=identities,
                    _saved=saved_shared, _types=saved_object_types, _positions=code_positions,
                    _code=saved_code_values, _saved_sizes=saved_sizes, _saved_identities=saved_identities,
                    _len=len, _all=all, _map=map, _is=is_, _type=type, _sys=sys, _range=range, _id=id,
                    _modules=loaded_module_ids, _keep=loaded_modules):
        if _dict_sizes() != _saved_dict_sizes:
            return True
        if not _all(_map(_is, _chain(_map(_values, _dicts)), _saved)):
            current = _shared()
            for i in _range(_len(_saved)):
                if current[i] is not _saved[i]:
                    if _saved[i] is None and _id(current[i]) in _modules:
                        _saved[i] = current[i]
                    else:
                        return True
        if _sizes() != _saved_sizes:  # lists of ints from len()
            return True
        try:
            if not _all(_map(_is, _identities(), _saved_identities)):
                return True
        except ValueError:  # a cell was emptied
            return True
        current = _objects()
        if _len(current) != _len(_types) or not _all(_map(_is, _map(_type, current), _types)):
            return True
        if not _all(_map(_is, _map(current.__getitem__, _positions), _code)):
            return True
        return _sys.gettrace() is not None or _sys.getprofile() is not None

    # For the log line of a retired process: which watched dict changed.
    watched_names = [m.__name__ for m in watched_modules.values()] + \
                    [f'{c.__module__}.{c.__qualname__}' for c in watched_classes.values()]
    saved_per_dict = [list(d.values()) for d in dicts]

    def what_changed(_zip=zip, _list=list, _len=len, _id=id):
        for name, d, saved in _zip(watched_names, dicts, saved_per_dict):
            current = _list(d.values())
            if _len(current) != _len(saved):
                return name
            for now, before in _zip(current, saved):
                if now is not before and not (before is None and _id(now) in loaded_module_ids):
                    return name
        return 'a module-level object, a closure or tracing'

    def attempt(kind, code, inputs_json):
        taint = None
        try:
            reset_shared_state()
            compiled = compile_block(kind, code)
            inputs = decode(inputs_json)
            namespace = {'__builtins__': dict(user_builtins), '__name__': '__code_block__'}
            if kind == 'code':
                exec(compiled, namespace)
                result = namespace['code_block'](inputs)
            else:
                namespace['inputs'] = inputs
                result = eval(compiled, namespace)
                if type(result) is not bool:
                    shown = f' ({repr(result)[:100]})' if type(result) in (int, float, str, type(None)) else ''
                    raise UserError('TypeError', f'a condition must evaluate to True or False, not '
                                    f'{type_name_of(type(result))}{shown}', 1)
            outcome = 'R' + serialise(result)
        except UserError as error:
            outcome = 'E' + envelope_error(error.type_name, error.message, error.line)
        except KeyboardInterrupt as error:
            outcome = 'E' + envelope_error('TimeoutError', 'the code ran past its time limit', user_line(error))
        except MemoryError as error:
            taint = 'memory'  # the heap has grown to its cap; start afresh
            outcome = 'E' + envelope_error('MemoryError', 'the code used more memory than a code block may use',
                                           user_line(error))
        except BaseException as error:
            outcome = 'E' + envelope_error(type_name_of(type(error)), describe(error), user_line(error))
        return outcome, taint

    # Ready-made answers for when even building an answer fails: the interrupt
    # can land again while an error is described, and after a MemoryError
    # there may be no memory to describe it with.
    timed_out = 'E' + envelope_error('TimeoutError', 'the code ran past its time limit', None)
    out_of_memory = 'E' + envelope_error('MemoryError', 'the code used more memory than a code block may use', None)
    failed = 'E' + envelope_error('SandboxError', 'the sandbox failed while reporting the result', None)

    # ---- the entry points JavaScript calls ----
    # run() returns 'R' + result JSON or 'E' + error JSON; after 'M' (instead
    # of 'R'/'E'), the process must not run anything else, as after a
    # MemoryError. check() runs after the answer has gone back to the server,
    # so its cost is off the caller's path; it returns '' or why the process
    # must not run anything else.
    def run(kind, code, inputs_json):
        try:
            outcome, taint = attempt(kind, code, inputs_json)
        except KeyboardInterrupt:
            outcome, taint = timed_out, None
        except MemoryError:
            outcome, taint = out_of_memory, 'memory'
        except BaseException:
            outcome, taint = failed, 'the runner failed'
        return outcome if taint is None else 'M' + outcome

    def check():
        try:
            if violations[0] > 0:
                return 'refused operations: ' + ', '.join(violations[1:])
            if is_tampered():
                return 'shared state changed: ' + what_changed()
            return ''
        except BaseException:
            return 'the state check failed'

    sys.addaudithook(audit)
    return run, check
