package interp

import (
	"fmt"
	"reflect"
	"sort"

	"confine/facts"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// FactsValue converts host facts to the frozen Starlark value a profile
// sees as facts: a struct whose fields are the `fact`-tagged fields of
// facts.Facts, nested structs as structs, slices as lists, maps with
// string keys as dicts (in key order), nil pointers as None. It walks the
// tags by reflection, so new facts need no change here.
func FactsValue(f facts.Facts) (starlark.Value, error) {
	v, err := toStarlark(reflect.ValueOf(f), "facts")
	if err != nil {
		return nil, err
	}
	v.Freeze()
	return v, nil
}

// toStarlark converts one Go value; where names it in errors.
func toStarlark(v reflect.Value, where string) (starlark.Value, error) {
	switch v.Kind() {
	case reflect.Bool:
		return starlark.Bool(v.Bool()), nil
	case reflect.String:
		return starlark.String(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return starlark.MakeInt64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return starlark.MakeUint64(v.Uint()), nil
	case reflect.Slice, reflect.Array:
		elems := make([]starlark.Value, v.Len())
		for i := range elems {
			e, err := toStarlark(v.Index(i), fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			elems[i] = e
		}
		return starlark.NewList(elems), nil
	case reflect.Pointer:
		if v.IsNil() {
			return starlark.None, nil
		}
		return toStarlark(v.Elem(), where)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		d := starlark.NewDict(len(keys))
		for _, k := range keys {
			e, err := toStarlark(v.MapIndex(k), fmt.Sprintf("%s[%q]", where, k.String()))
			if err != nil {
				return nil, err
			}
			if err := d.SetKey(starlark.String(k.String()), e); err != nil {
				return nil, err
			}
		}
		return d, nil
	case reflect.Struct:
		d := starlark.StringDict{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name, ok := t.Field(i).Tag.Lookup("fact")
			if !ok || name == "" || name == "-" {
				continue
			}
			fv, err := toStarlark(v.Field(i), where+"."+name)
			if err != nil {
				return nil, err
			}
			d[name] = fv
		}
		return starlarkstruct.FromStringDict(starlarkstruct.Default, d), nil
	}
	return nil, fmt.Errorf("interp: %s: cannot convert a Go %s to Starlark", where, v.Type())
}
