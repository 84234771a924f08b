package io.llmpipeline.sim.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.llmpipeline.sim.FaultScript;

/** The scripts in force, by model, with "*" as the default for models without their own. */
public final class ScriptBook {
    public static final String DEFAULT_MODEL = "*";

    private final Map<String, FaultScript> scripts = new ConcurrentHashMap<>();
    private final Map<String, ModelState> states = new ConcurrentHashMap<>();

    /** Installs a script; the models it governs start again from fresh counters, even if it is equal to the old one. */
    public synchronized void put(String model, FaultScript script) {
        scripts.put(model, script);
        if (DEFAULT_MODEL.equals(model)) {
            states.keySet().removeIf(m -> !scripts.containsKey(m));
        } else {
            states.remove(model);
        }
    }

    public synchronized void clear() {
        scripts.clear();
        states.clear();
    }

    public Map<String, FaultScript> scripts() {
        return Map.copyOf(scripts);
    }

    public FaultScript scriptFor(String model) {
        FaultScript own = scripts.get(model);
        if (own != null) {
            return own;
        }
        return scripts.getOrDefault(DEFAULT_MODEL, FaultScript.none());
    }

    /** The model's state under its current script; a new script starts from fresh counters. */
    public ModelState stateFor(String model) {
        FaultScript script = scriptFor(model);
        return states.compute(model, (m, state) -> state != null && state.script() == script ? state : new ModelState(script));
    }
}
