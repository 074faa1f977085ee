// Freezing JavaScript's shared objects inside a sandbox process. Plain
// JavaScript: it runs there (see sandbox-child.mjs), under the permission model.

// Properties that code commonly assigns on its own objects even though a
// prototype has them (err.name = ..., Foo.prototype.constructor = Foo).
// Freezing the prototype would make those assignments throw ("override
// mistake"), so they become accessors that define an own property instead.
const OVERRIDABLE = new Set(['constructor', 'name', 'message', 'toString', 'valueOf', 'toLocaleString', 'toJSON']);

function tameOverride(object, key, descriptor) {
  const { value } = descriptor;
  Object.defineProperty(object, key, {
    get: function getOverridable() {
      return value;
    },
    set: function setOverridable(newValue) {
      if (this === object) throw new TypeError(`Cannot assign to read only property '${String(key)}'`);
      Object.defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
    },
    enumerable: descriptor.enumerable,
    configurable: false,
  });
}

// Freezes everything reachable from `roots` through prototypes and
// properties. Should Python ever get hold of a JavaScript object (before
// sandbox-runtime.py disabled it, JsException("x") built an Error), it can neither
// plant a getter on Object.prototype nor replace a method that a later run
// passes through: another workspace's data never meets its code.
export function harden(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const object = stack.pop();
    if (object === null || (typeof object !== 'object' && typeof object !== 'function') || seen.has(object)) continue;
    seen.add(object);
    stack.push(Object.getPrototypeOf(object));
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
      if ('value' in descriptor) {
        stack.push(descriptor.value);
        if (descriptor.writable && descriptor.configurable && OVERRIDABLE.has(key)) tameOverride(object, key, descriptor);
      } else {
        stack.push(descriptor.get, descriptor.set);
      }
    }
    if (object === Error) {
      // V8 reads Error.stackTraceLimit and Pyodide sets it; it stays writable.
      for (const key of Reflect.ownKeys(object)) {
        if (key !== 'stackTraceLimit') Object.defineProperty(object, key, { writable: false, configurable: false });
      }
      Object.preventExtensions(object);
    } else {
      Object.freeze(object);
    }
  }
}

export function intrinsicRoots() {
  const names = [
    'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Promise',
    'Proxy', 'Reflect', 'JSON', 'Math', 'Intl', 'Atomics', 'WebAssembly', 'Map', 'Set', 'WeakMap', 'WeakSet',
    'WeakRef', 'FinalizationRegistry', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Iterator',
    'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
    'DOMException', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
    'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  ];
  const roots = names.map((name) => globalThis[name]).filter((value) => value !== undefined);
  roots.push(
    Object.getPrototypeOf(function* generator() {}),
    Object.getPrototypeOf(async function asyncFunction() {}),
    Object.getPrototypeOf(async function* asyncGenerator() {}),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf('a'.matchAll(/a/g)),
  );
  return roots;
}
