/** The store memoized() keeps results in: a WeakMap for object keys (freed with them), a Map otherwise. */
interface ResultStore<K, V> {
  has(key: K): boolean;
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/** `compute` computed once per key: for facts derived from loaded values, which never change. */
export function memoized<K, V>(compute: (key: K) => V, store: ResultStore<K, V> = new Map<K, V>()): (key: K) => V {
  return (key) => {
    if (!store.has(key)) store.set(key, compute(key));
    return store.get(key) as V;
  };
}
